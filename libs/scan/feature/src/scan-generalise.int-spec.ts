import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Topic } from '@modelguard/contracts';
import { createTestSchemaName, dropSchemas, expectEventually, testInfra } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benignPickle } from '../test/model-fixtures';
import { publishPackageStored, published, type ScanTestApp, startScanTestApp, storePackage, testSettings } from '../test/scan-test-app';
import type { ScanReportView } from './persistence/scan-report.store';

/**
 * The registry's scan gate on the issue-16 classes: samples from the scanner's generalisation corpus
 * (libs/scanner/test/generalise, generated here by its python generator) go through the real scan service
 * (Postgres, fs blobs, in-process broker, worker-thread scanner with default options).
 */
const schema = createTestSchemaName('scan_gen');
const blobRoot = mkdtempSync(join(tmpdir(), 'mg-scan-gen-blobs-'));
const corpus = mkdtempSync(join(tmpdir(), 'mg-gen-corpus-'));
let app: ScanTestApp;
let seq = 0;
const newId = () => `scan-gen-${Date.now().toString(36)}-${(seq += 1)}`;
const sample = (file: string) => readFileSync(join(corpus, file));

async function scanPackage(files: { path: string; content: Buffer }[]): Promise<{ verdict: string; report: ScanReportView }> {
  const id = newId();
  await publishPackageStored(app.broker, await storePackage(blobRoot, id, files));
  const completed = await expectEventually(
    () => {
      const events = published(app.broker, Topic.ScanCompleted).filter((e) => e.payload.artifactId === id);
      expect(events).toHaveLength(1);
      return events[0];
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  const res = await fetch(`${app.service.url}/internal/artifacts/${id}/scan-report`);
  return { verdict: completed.payload.verdict, report: (await res.json()) as ScanReportView };
}

beforeAll(async () => {
  execFileSync('python3', [resolve(__dirname, '../../../scanner/test/generalise/generate.py'), corpus], { stdio: 'pipe' });
  app = await startScanTestApp({ schema, blobRoot, settings: testSettings({ workerId: 'scan-gen-it' }) });
});

afterAll(async () => {
  await app?.close();
  await dropSchemas(testInfra.databaseUrl, [schema]);
  rmSync(corpus, { recursive: true, force: true });
});

describe('scan gate on the issue-16 classes (real scan service)', () => {
  it('blocks an unknown import with a reviewable "unknown import" finding', { timeout: 120_000 }, async () => {
    const { verdict, report } = await scanPackage([{ path: 'model.pkl', content: sample('class2/numexpr_evaluate.pkl') }]);
    expect(verdict).toBe('blocked');
    const f = report.files[0].findings.find((x) => x.ruleId === 'pickle.unknown-global');
    expect(f?.message).toMatch(/^unknown import numexpr\.evaluate/);
    expect(f?.details).toMatchObject({ callable: 'numexpr.evaluate', review: 'allowCallables' });
  });

  it('blocks a gadget inside a trusted library, a template escape and a malformed array; passes benign files', { timeout: 120_000 }, async () => {
    const gadget = await scanPackage([{ path: 'estimator.joblib', content: sample('class1/sklearn_fetch_california.pkl') }]);
    expect(gadget.verdict).toBe('blocked');
    const template = await scanPackage([{ path: 'tokenizer_config.json', content: sample('class5/malicious/tilde_concat.json') }]);
    expect(template.verdict).toBe('blocked');
    expect(template.report.files[0].findings.map((f) => f.ruleId)).toContain('template.injection');
    const malformed = await scanPackage([{ path: 'weights.npy', content: sample('class7/npy_short_data.npy') }]);
    expect(malformed.verdict).toBe('blocked');
    expect(malformed.report.scannerVerdict).toBe('unscannable');
    const benign = await scanPackage([
      { path: 'tokenizer_config.json', content: sample('class5/benign/qwen25_tools.json') },
      { path: 'weights.pkl', content: benignPickle() },
    ]);
    expect(benign.report.files.map((f) => [f.path, f.verdict])).toEqual([
      ['tokenizer_config.json', 'clean'],
      ['weights.pkl', 'clean'],
    ]);
    expect(benign.verdict).toBe('clean');
  });
});
