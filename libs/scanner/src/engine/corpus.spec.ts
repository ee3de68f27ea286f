import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultScanOptions } from '../core/options';
import type { FileReport } from '../core/types';
import { openFileInput } from '../io/inputs';
import { generateCorpus, type CorpusEntry } from '../../test/corpus';
import { scanInputInProcess } from './scan-core';

let dir = '';
let entries: CorpusEntry[] = [];
const options = defaultScanOptions();

async function scan(file: string): Promise<FileReport> {
  const input = await openFileInput(join(dir, file), file);
  try {
    return await scanInputInProcess(input, options);
  } finally {
    await input.close();
  }
}

beforeAll(() => {
  ({ dir, entries } = generateCorpus());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scanner corpus', () => {
  it('has one sample per technique and the benign traps', () => {
    expect(entries.filter((e) => e.expect === 'malicious').length).toBeGreaterThan(60);
    expect(entries.filter((e) => e.expect === 'clean').length).toBeGreaterThan(15);
  });

  it('gives every sample its expected verdict and rule', async () => {
    const failures: string[] = [];
    for (const e of entries) {
      const r = await scan(e.file);
      const rules = r.findings.map((f) => f.ruleId);
      if (r.verdict !== e.expect || (e.rule && !rules.includes(e.rule))) {
        failures.push(`${e.file}: got ${r.verdict} [${r.findings.map((f) => `${f.ruleId}:${f.severity}:${f.message}`).join(' | ')}], want ${e.expect} ${e.rule ?? ''}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('detects formats by content', async () => {
    const formats: Record<string, string> = {
      'benign/torch_state_dict.pt': 'pytorch-zip',
      'benign/torch_custom_folder.pth': 'pytorch-zip',
      'benign/torch_legacy.pt': 'pytorch-legacy',
      'benign/torch_tar.tar': 'pytorch-tar',
      'malicious/torchscript.pt': 'torchscript',
      'benign/arrays.npz': 'numpy-npz',
      'benign/array.npy': 'numpy',
      'benign/joblib_model.joblib': 'joblib',
      'malicious/protocol0_named.bin': 'pickle',
      'malicious/pickle_named.safetensors': 'pickle',
      'malicious/sevenzip.7z': '7z',
      'benign/README.md': 'text',
    };
    for (const [file, format] of Object.entries(formats)) expect({ file, format: (await scan(file)).format }).toEqual({ file, format });
  });
});
