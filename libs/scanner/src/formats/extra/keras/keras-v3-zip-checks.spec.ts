import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultScanOptions } from '../../../core/options';
import type { Finding } from '../../../core/types';
import { computeVerdict } from '../../../core/verdict';
import { scanInputInProcess } from '../../../engine/scan-core';
import { zipScanner } from '../../archive/zip-scanner';
import { bufferInput, ruleIds, stubContext } from '../../../../test/formats/scan-harness';
import { kerasV3Scanner } from './keras-v3.scanner';
import { buildZip, kerasMembers, type ZipMemberSpec } from '../../../../test/formats/keras-zip-samples';

/**
 * A .keras-looking archive is claimed by the Keras v3 scanner before the generic zip scanner runs: these
 * tests pin that claiming it never skips a zip-level check (the bypass was: add config.json + metadata.json).
 */
const GENERATOR = resolve(__dirname, '../../../../../../tests/fixtures/scanner/extra/generate-keras-fixtures.mjs');
let dir = '';
let weights: Buffer;

beforeAll(() => {
  // A real HDF5 weights file written by the HDF5 C library (h5wasm).
  dir = mkdtempSync(join(tmpdir(), 'mg-keras-zip-'));
  execFileSync(process.execPath, [GENERATOR, dir], { stdio: 'pipe' });
  weights = readFileSync(join(dir, 'keras3-weights.h5'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const archiveRules = (findings: Finding[]): string[] => ruleIds(findings).filter((r) => /^(zip|archive)\./.test(r));

async function scanBoth(bytes: Buffer) {
  const input = bufferInput(bytes, 'm.keras');
  expect(await kerasV3Scanner.canHandle(await input.read(0, 4096), input), 'claimed by the Keras v3 scanner').toBe(true);
  const kerasCtx = stubContext();
  const keras = await kerasV3Scanner.scan(input, kerasCtx);
  const zip = await zipScanner.scan(bufferInput(bytes, 'm.keras'), stubContext());
  return { keras, zip, nested: kerasCtx.nested.map((n) => n.path) };
}

const TRICKS: Array<{ trick: string; extra: (w: Buffer) => ZipMemberSpec[]; rule: string; patch?: (m: ZipMemberSpec[]) => void }> = [
  { trick: 'a traversal entry name', extra: () => [{ name: '../evil.py', data: 'import os\nos.system("id")\n' }], rule: 'archive.path-traversal' },
  { trick: 'an absolute entry name', extra: () => [{ name: '/etc/cron.d/x', data: '* * * * * root id\n' }], rule: 'archive.path-traversal' },
  { trick: 'a symlink entry', extra: () => [{ name: 'assets/link', data: '/etc/passwd', unixMode: 0o120777 }], rule: 'archive.symlink' },
  { trick: 'a device entry', extra: () => [{ name: 'assets/dev', data: '', unixMode: 0o020666 }], rule: 'archive.special-file' },
  { trick: 'a duplicate member name', extra: () => [{ name: 'metadata.json', data: '{"keras_version":"3.6.0"}' }], rule: 'zip.duplicate-name' },
  { trick: 'a local/central name mismatch', extra: () => [{ name: 'assets/vocab.txt', localName: 'payload.pkl', data: 'hello' }], rule: 'zip.name-mismatch' },
  { trick: 'a CRC mismatch on a cargo member', extra: () => [{ name: 'assets/vocab.txt', data: 'hello', crc: 0x12345678 }], rule: 'zip.crc-mismatch' },
  {
    trick: 'a CRC mismatch on config.json',
    extra: () => [],
    rule: 'zip.crc-mismatch',
    patch: (m) => {
      m[1] = { ...m[1]!, crc: 0xdeadbeef };
    },
  },
  { trick: 'a member inflating past its declared size', extra: () => [{ name: 'assets/a.bin', data: Buffer.alloc(4096, 1), deflate: true, declaredSize: 10 }], rule: 'archive.size-mismatch' },
];

describe('kerasV3Scanner runs every zip-level check', () => {
  it('keeps a benign .keras archive clean, with stored or deflated weights', async () => {
    for (const deflateWeights of [false, true]) {
      const { keras, zip, nested } = await scanBoth(buildZip(kerasMembers(weights, { deflateWeights })));
      expect(keras, `deflated weights: ${deflateWeights}`).toEqual([]);
      expect(archiveRules(zip)).toEqual([]);
      expect(nested).toEqual([]);
    }
  });

  for (const { trick, extra, rule, patch } of TRICKS) {
    it(`reports ${trick} with the zip scanner's rule ids (${rule})`, async () => {
      const members = [...kerasMembers(weights), ...extra(weights)];
      patch?.(members);
      const { keras, zip } = await scanBoth(buildZip(members));
      expect(archiveRules(zip)).toContain(rule);
      expect(archiveRules(keras)).toEqual(archiveRules(zip));
      expect(computeVerdict(keras, false)).not.toBe('clean');
    });
  }

  it('still hands cargo members (even badly named ones) to the engine', async () => {
    const { nested } = await scanBoth(buildZip([...kerasMembers(weights), { name: '../evil.py', data: 'x = 1\n' }, { name: 'assets/link', data: 'x', unixMode: 0o120777 }]));
    expect(nested).toEqual(['m.keras!/../evil.py', 'm.keras!/assets/link']);
  });

  it('does not inflate members of an archive that declares a bomb', async () => {
    const bomb: ZipMemberSpec = { name: 'assets/zeros.bin', data: Buffer.alloc(1024), deflate: true, declaredSize: 3 * 2 ** 30 };
    const { keras, zip, nested } = await scanBoth(buildZip([...kerasMembers(weights), bomb]));
    expect(archiveRules(keras)).toEqual(archiveRules(zip));
    expect(archiveRules(keras)).toContain('archive.bomb');
    expect(nested).toEqual([]);
  });

  it('scans deflated weights instead of leaving them to a zip scanner that never runs', async () => {
    const members = kerasMembers(Buffer.from('not an hdf5 file at all'), { deflateWeights: true });
    const { keras } = await scanBoth(buildZip(members));
    expect(ruleIds(keras)).toEqual(['keras-v3.weights-unscannable']);
  });

  it('reports unreadable config.json once, without hiding the archive checks', async () => {
    const members = kerasMembers(weights);
    members[1] = { name: 'config.json', data: '{"class_name": "Sequential", ', crc: 1 };
    const { keras } = await scanBoth(buildZip(members));
    expect(ruleIds(keras)).toEqual(['keras-v3.unscannable', 'zip.crc-mismatch']);
  });
});

describe('through the engine (real detection order)', () => {
  it('picks the Keras v3 scanner and still blocks each zip trick', async () => {
    for (const { trick, extra, rule, patch } of TRICKS) {
      const members = [...kerasMembers(weights), ...extra(weights)];
      patch?.(members);
      const report = await scanInputInProcess(bufferInput(buildZip(members), 'm.keras'), defaultScanOptions());
      expect(report.format, trick).toBe('keras-v3');
      expect(ruleIds(report.findings), trick).toContain(rule);
      expect(report.verdict, trick).not.toBe('clean');
    }
  });

  it('reports a benign .keras archive clean', async () => {
    const report = await scanInputInProcess(bufferInput(buildZip(kerasMembers(weights)), 'm.keras'), defaultScanOptions());
    expect([report.format, report.verdict, report.findings]).toEqual(['keras-v3', 'clean', []]);
  });
});
