import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferInput, fileInput, fuzzScanner, hasErrorOrWorse, ruleIds, stubContext } from '../../../../test/formats/scan-harness';
import { analyzeKerasConfig } from './keras-config.analyzer';
import { kerasH5Scanner } from './keras-h5.scanner';
import { kerasV3Scanner } from './keras-v3.scanner';

interface Manifest {
  h5: { benign: string[]; dense: string; malicious: Record<string, string> };
  keras: { benign: string[]; malicious: Record<string, string>; notKeras: string };
}

const GENERATOR = resolve(__dirname, '../../../../../../tests/fixtures/scanner/extra/generate-keras-fixtures.mjs');
let dir = '';
let manifest: Manifest;

beforeAll(() => {
  // Real HDF5 files written by the HDF5 C library (h5wasm), generated fresh into a temp dir.
  dir = mkdtempSync(join(tmpdir(), 'mg-keras-fixtures-'));
  execFileSync(process.execPath, [GENERATOR, dir], { stdio: 'pipe' });
  manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function scanFile(file: string, scanner = file.endsWith('.h5') ? kerasH5Scanner : kerasV3Scanner) {
  const input = await fileInput(join(dir, file), file);
  const head = await input.read(0, 4096);
  expect(await scanner.canHandle(head, input), `${file} detected`).toBe(true);
  return scanner.scan(input, stubContext());
}

describe('kerasH5Scanner', () => {
  it('finds nothing in benign models (superblock v0 and v2, fixed and variable-length strings) or weights-only files', async () => {
    for (const file of manifest.h5.benign) expect(await scanFile(file), file).toEqual([]);
  });

  it('flags every malicious Keras 2 config technique, in both HDF5 layouts', async () => {
    const entries = Object.entries(manifest.h5.malicious);
    expect(entries.length).toBe(12);
    for (const [file, rule] of entries) expect(ruleIds(await scanFile(file)), file).toContain(rule);
  });

  it('rates Lambda bytecode CRITICAL and a custom class only WARNING', async () => {
    const lambda = await scanFile('lambda-bytecode-v0.h5');
    expect(lambda.find((f) => f.ruleId === 'keras.lambda-bytecode')?.severity).toBe('CRITICAL');
    const custom = await scanFile('custom-class-latest.h5');
    expect(custom.map((f) => f.severity)).toEqual(['WARNING']);
    expect(custom[0]!.message).toContain('TotallyNormalLayer');
  });

  it('scans a non-empty HDF5 user block (what pickle loaders read first) and skips a zeroed one', async () => {
    const h5 = readFileSync(join(dir, 'benign-v0-vlen.h5'));
    const zeroed = Buffer.concat([Buffer.alloc(512), h5]);
    const ctx = stubContext();
    expect(await kerasH5Scanner.canHandle(zeroed.subarray(0, 4096), bufferInput(zeroed))).toBe(true);
    expect(await kerasH5Scanner.scan(bufferInput(zeroed), ctx)).toEqual([]);
    expect(ctx.nested).toEqual([]);
    const pickleBlock = Buffer.alloc(512);
    pickleBlock.write("cos\nsystem\n(S'id'\ntR.", 'latin1');
    const withPickle = Buffer.concat([pickleBlock, h5]);
    const ctx2 = stubContext({}, 5_000_000, [{ ruleId: 'pickle.dangerous-global', severity: 'CRITICAL', message: 'stub', location: { file: 'x' } }]);
    expect(ruleIds(await kerasH5Scanner.scan(bufferInput(withPickle, 'm.h5'), ctx2))).toEqual(['pickle.dangerous-global']);
    expect(ctx2.nested.map((n) => [n.path, n.size])).toEqual([['m.h5!/<hdf5-user-block>', 512]]);
  });

  it('fails closed on dense attribute storage it cannot read', async () => {
    const findings = await scanFile(manifest.h5.dense);
    expect(ruleIds(findings)).toEqual(['keras-h5.unscannable']);
  });

  it('reads only metadata: no single read bigger than the header blocks', async () => {
    const data = readFileSync(join(dir, 'benign-v0-vlen.h5'));
    const input = bufferInput(data);
    expect(await kerasH5Scanner.scan(input, stubContext())).toEqual([]);
    expect(input.maxRead).toBeLessThan(data.length);
  });

  it('survives 400 seeded mutations of a real HDF5 file without throwing or hanging', async () => {
    for (const [file, seed] of [['lambda-bytecode-v0.h5', 11], ['benign-latest.h5', 12]] as const) {
      const data = readFileSync(join(dir, file));
      const result = await fuzzScanner(kerasH5Scanner, data, 200, seed, { hotOffsets: [8, 13, 14, 64, 72, 80, 96, 104] });
      expect(result.maxMs).toBeLessThan(2000);
    }
  });
});

describe('kerasV3Scanner', () => {
  it('finds nothing in benign .keras archives', async () => {
    for (const file of manifest.keras.benign) {
      const findings = await scanFile(file);
      expect(hasErrorOrWorse(findings), file).toBe(false);
    }
    expect(await scanFile('benign.keras')).toEqual([]);
  });

  it('does not claim a zip without config.json + metadata.json', async () => {
    const input = await fileInput(join(dir, manifest.keras.notKeras));
    expect(await kerasV3Scanner.canHandle(await input.read(0, 4096), input)).toBe(false);
  });

  it('flags every malicious Keras 3 technique', async () => {
    const entries = Object.entries(manifest.keras.malicious);
    expect(entries.length).toBe(9);
    for (const [file, rule] of entries) expect(ruleIds(await scanFile(file)), file).toContain(rule);
  });

  it('hands members other than config/metadata/weights back to the engine', async () => {
    const input = await fileInput(join(dir, 'extra-pickle-member.keras'), 'm.keras');
    const ctx = stubContext({}, 5_000_000, [{ ruleId: 'pickle.dangerous-global', severity: 'CRITICAL', message: 'stub', location: { file: 'x' } }]);
    const findings = await kerasV3Scanner.scan(input, ctx);
    expect(ctx.nested.map((n) => n.path)).toEqual(['m.keras!/payload.pkl']);
    expect((await ctx.nested[0]!.read(0, 4)).toString('hex')).toBe('80049500');
    expect(ruleIds(findings)).toEqual(['keras-v3.unexpected-member', 'pickle.dangerous-global']);
  });

  it('survives 300 seeded mutations of a .keras archive', async () => {
    const data = readFileSync(join(dir, 'lambda-marshal.keras'));
    const result = await fuzzScanner(kerasV3Scanner, data, 300, 21);
    expect(result.maxMs).toBeLessThan(2000);
  });
});

describe('analyzeKerasConfig', () => {
  it('walks deeply nested layers and keeps standard layers clean', () => {
    const inner = { class_name: 'Lambda', config: { function: ['AAAA', null, null], function_type: 'lambda' } };
    const wrapped = { class_name: 'Bidirectional', config: { layer: { class_name: 'TimeDistributed', config: { layer: inner } } } };
    const issues = analyzeKerasConfig({ class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: {} }, wrapped] } } as never);
    expect(issues.map((i) => [i.ruleId, i.path])).toEqual([['keras.lambda-bytecode', 'config.layers[1].config.layer.config.layer']]);
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    let deep: unknown = { class_name: 'Dense' };
    for (let i = 0; i < 500; i++) deep = { class_name: 'Sequential', config: { layers: [deep] } };
    expect(() => analyzeKerasConfig(deep as never)).toThrow(/nested deeper/);
  });
});
