import { describe, expect, it } from 'vitest';
import { ClientError } from '../domain/client-error';
import { inHubTerms } from './hf-errors';
import { listedIn } from './hf-mirror.service';
import { worstFindings } from './hf-scan-findings';
import { parseApiPath, parseResolvePath } from './hf-paths';
import { commitShaOf, pickRevision } from './hf-revision';
import { fileEntry, pathsInfo, treeEntries } from './hf-views';

const sha = (c: string) => c.repeat(64);
const files = [
  { path: 'config.json', size: 10, sha256: sha('a') },
  { path: 'onnx/model.onnx', size: 20, sha256: sha('b') },
  { path: 'onnx/fp16/model.onnx', size: 30, sha256: sha('c') },
];
const version = (v: string, ordinal: number, label: string | null = null, f = files) => ({ version: v, versionLabel: label, ordinal, files: f });

function statusOf(fn: () => unknown): [number, string | undefined] {
  try {
    fn();
  } catch (error: unknown) {
    if (error instanceof ClientError) return [error.status, error.headers['X-Error-Code']];
    throw error;
  }
  return [0, undefined];
}

describe('hf mirror paths', () => {
  it('reads org/name and legacy single-name ids, models and datasets', () => {
    expect(parseResolvePath('/google-bert/bert-base-uncased/resolve/main/onnx/model.onnx?x=1')).toEqual({ kind: 'model', repo: 'google-bert/bert-base-uncased', revision: 'main', path: 'onnx/model.onnx' });
    expect(parseResolvePath('/gpt2/resolve/v1.0/config.json')).toMatchObject({ kind: 'model', repo: 'gpt2', revision: 'v1.0' });
    expect(parseResolvePath('/datasets/rajpurkar/squad/resolve/main/a%20b.csv')).toMatchObject({ kind: 'dataset', repo: 'rajpurkar/squad', path: 'a b.csv' });
    expect(parseApiPath('/api/models/gpt2/revision/HEAD')).toEqual({ kind: 'model', repo: 'gpt2', rest: ['revision', 'HEAD'] });
    expect(parseApiPath('/api/datasets/org/data/tree/main/sub/dir')).toEqual({ kind: 'dataset', repo: 'org/data', rest: ['tree', 'main', 'sub', 'dir'] });
  });

  it('refuses traversal, encoded separators, control characters and oversized names with 400', () => {
    for (const path of [
      '/org/name/resolve/main/../secret',
      '/org/name/resolve/main/%2e%2e/secret',
      '/org%2Fname/resolve/main/config.json',
      '/org/name/resolve/main/a%5Cb',
      '/org/name/resolve/main/a%00b',
      '/org/name/resolve/main/%E0%A4%A',
      `/${'a'.repeat(10_240)}/resolve/main/x`,
      '/org/na--me/resolve/main/x',
      '/org/name/resolve/ma%2Fin/x',
    ]) {
      expect(statusOf(() => parseResolvePath(path)), path).toEqual([400, 'ModelGuardBadRequest']);
    }
    expect(statusOf(() => parseApiPath('/api/models/org%2Fname'))).toEqual([400, 'ModelGuardBadRequest']);
  });
});

describe('hf mirror revisions', () => {
  it('derives a stable 40-hex sha from the manifest, independent of file order, different per content', () => {
    const a = commitShaOf('id-1', version('1.0.0', 0));
    expect(a).toMatch(/^[0-9a-f]{40}$/);
    expect(commitShaOf('id-1', version('1.0.0', 0, null, [...files].reverse()))).toBe(a);
    expect(commitShaOf('id-1', version('1.0.0', 0, null, files.slice(1)))).not.toBe(a);
    expect(commitShaOf('id-2', version('1.0.0', 0))).not.toBe(a);
  });

  it('picks main/HEAD as the latest, shas and tags as the version they name, and nothing for unknown names', () => {
    const versions = [version('1.0.0', 0, '0.9.0'), version('2.0.0', 1, null, files.slice(1))];
    expect(pickRevision('id', '2.0.0', versions, 'main')?.version).toBe('2.0.0');
    expect(pickRevision('id', '2.0.0', versions, 'HEAD')?.version).toBe('2.0.0');
    expect(pickRevision('id', '2.0.0', versions, commitShaOf('id', versions[0]))?.version).toBe('1.0.0');
    expect(pickRevision('id', '2.0.0', versions, 'v0.9.0')?.version).toBe('1.0.0');
    expect(pickRevision('id', '2.0.0', versions, '2.0.0')?.version).toBe('2.0.0');
    expect(pickRevision('id', '2.0.0', versions, 'f'.repeat(40))).toBeNull();
    expect(pickRevision('id', '2.0.0', versions, 'dev')).toBeNull();
  });
});

describe('hf mirror listings', () => {
  it('lists a directory level, or everything below it when recursive, as the Hub does', () => {
    expect(treeEntries(files, '', false)?.map((e) => `${e.type}:${e.path}`)).toEqual(['file:config.json', 'directory:onnx']);
    expect(treeEntries(files, 'onnx', true)?.map((e) => e.path)).toEqual(['onnx/fp16', 'onnx/fp16/model.onnx', 'onnx/model.onnx']);
    expect(treeEntries(files, 'nope', true)).toBeNull();
    expect(pathsInfo(files, ['onnx', 'missing', 'config.json'], null).map((e) => e.path)).toEqual(['onnx', 'config.json']);
  });

  it('describes each file as an LFS object keyed by its SHA-256 (the ETag the resolve endpoint sends)', () => {
    const entry = fileEntry(files[0]);
    expect(entry.lfs).toEqual({ oid: sha('a'), size: 10, pointerSize: expect.any(Number) as number });
    expect(entry.oid).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('hf mirror policy and errors', () => {
  it('matches allow/deny entries by org or exact repo, case-insensitively', () => {
    expect(listedIn(['Google-Bert'], 'google-bert/bert-base-uncased')).toBe(true);
    expect(listedIn(['google-bert/bert-base-uncased'], 'google-bert/bert-base-cased')).toBe(false);
    expect(listedIn(['gpt2'], 'gpt2')).toBe(true);
    expect(listedIn(['google'], 'google-bert/x')).toBe(false);
  });

  it('re-words gate refusals with the code clients show, keeping status, headers and audit reason', () => {
    const blocked = inHubTerms(new ClientError(403, 'download blocked: pickle calls os.system', {}, {}, 'scan-gate'), 'org/m/file.bin') as ClientError;
    expect(blocked.status).toBe(403);
    expect(blocked.reason).toBe('scan-gate');
    // The Hub's GatedRepo, so huggingface_hub raises GatedRepoError with the message; the specific code beside it.
    expect(blocked.headers['X-Error-Code']).toBe('GatedRepo');
    expect(blocked.headers['X-ModelGuard-Error-Code']).toBe('ModelGuardScanBlocked');
    expect(blocked.message).toBe('ModelGuard refused org/m/file.bin: download blocked: pickle calls os.system');
    const pending = inHubTerms(new ClientError(409, 'waiting for scan', { 'Retry-After': '30' }, {}, 'gate-pending'), 'x') as ClientError;
    expect(pending.headers).toMatchObject({ 'Retry-After': '30', 'X-Error-Code': 'ModelGuardPending' });
    const other = new Error('boom');
    expect(inHubTerms(other, 'x')).toBe(other);
  });
});

describe('hf mirror scan findings', () => {
  it('names the worst findings first, bounded', () => {
    const finding = (severity: 'CRITICAL' | 'ERROR' | 'WARNING', message: string) => ({ ruleId: `R-${message}`, severity, message, location: { file: 'f' } });
    const report = {
      files: [
        { path: 'a.bin', findings: [finding('WARNING', 'meh'), finding('ERROR', 'bad')] },
        { path: 'b.bin', findings: [finding('CRITICAL', 'os.system')] },
      ],
    } as unknown as Parameters<typeof worstFindings>[0];
    expect(worstFindings(report)).toBe('b.bin: CRITICAL R-os.system: os.system; a.bin: ERROR R-bad: bad');
  });
});
