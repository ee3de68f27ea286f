import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus, REPO_ROOT } from '../../test/corpus';

/** The CLI is tested as users run it: the built bin/modelguard.js in a child process. */
let corpus = '';
let out = '';
let dist = '';
const BIN = join(REPO_ROOT, 'bin/modelguard.js');

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, MODELGUARD_DIST: dist } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // A private build: the shared dist/ belongs to the repo build and may be rebuilt at any time.
  mkdirSync(join(REPO_ROOT, 'tmp'), { recursive: true });
  dist = mkdtempSync(join(REPO_ROOT, 'tmp', 'scanner-dist-'));
  const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
  spawnSync(process.execPath, [tsc, '-p', join(REPO_ROOT, 'libs/scanner/tsconfig.lib.json'), '--outDir', dist], { stdio: 'pipe' });
  if (!existsSync(join(dist, 'libs/scanner/src/cli/main.js'))) throw new Error('scanner build failed');
  corpus = generateCorpus('scanner-cli').dir;
  out = mkdtempSync(join(tmpdir(), 'mg-cli-'));
}, 180_000);
afterAll(() => {
  rmSync(dist, { recursive: true, force: true });
  rmSync(corpus, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe('modelguard CLI', { timeout: 120_000 }, () => {
  it('exits 0 on clean files, 1 on malicious ones, 2 on usage errors', () => {
    expect(run('scan', join(corpus, 'benign')).code).toBe(0);
    const bad = run('scan', join(corpus, 'malicious/reduce_os_system.pkl'));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('pickle.dangerous-global');
    expect(run('scan').code).toBe(2);
    expect(run('scan', 'x', '--format', 'xml').code).toBe(2);
    expect(run('scan', join(corpus, 'does-not-exist')).code).toBe(2);
    expect(run('frobnicate').code).toBe(2);
  });

  it('treats unscannable as failing and honours --fail-on and --strict', () => {
    expect(run('scan', join(corpus, 'malicious/sevenzip.7z')).code).toBe(1);
    // An unknown import blocks by default; a warning-only file passes unless --fail-on WARNING or --strict.
    expect(run('scan', join(corpus, 'suspicious/unknown_global.pkl')).code).toBe(1);
    const warning = join(corpus, 'suspicious/frame_crossing_benign.pkl');
    expect(run('scan', warning).code).toBe(0);
    expect(run('scan', warning, '--fail-on', 'WARNING').code).toBe(1);
    expect(run('scan', warning, '--strict').code).toBe(1);
  });

  it('exits 2, never 0, when a command ends without a result (an event loop that ran dry)', () => {
    const fake = mkdtempSync(join(tmpdir(), 'mg-cli-fake-'));
    try {
      mkdirSync(join(fake, 'libs/scanner/src/cli'), { recursive: true });
      writeFileSync(join(fake, 'libs/scanner/src/cli/main.js'), 'exports.runCli = () => new Promise(() => {});');
      const r = spawnSync(process.execPath, [BIN, 'scan', 'x'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, MODELGUARD_DIST: fake } });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('ended before it produced a result');
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });

  it('prints --version and --help', () => {
    expect(run('--version').stdout).toMatch(/^modelguard \d+\.\d+\.\d+/);
    const help = run('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--fail-on');
  });

  it('writes valid JSON and SARIF 2.1.0 with the required fields', () => {
    const target = join(corpus, 'malicious/torch_renamed_folder.pt');
    const json = JSON.parse(run('scan', target, '--format', 'json').stdout);
    expect(json).toMatchObject({ tool: { name: 'modelguard-scan' }, verdict: 'malicious' });
    expect(json.files[0].format).toBe('pytorch-zip');
    const sarifFile = join(out, 'r.sarif');
    const sarifRun = run('scan', target, join(corpus, 'malicious/zip_traversal.zip'), '--format', 'sarif', '--output', sarifFile);
    // Fresh-clone run 59 once saw exit 0 here (not reproduced in 3 local runs): say what the process printed and
    // whether it wrote its report, so a recurrence tells an early exit from a wrong verdict.
    expect(sarifRun.code, `stderr: ${sarifRun.stderr.slice(-2000)}; report written: ${existsSync(sarifFile) ? readFileSync(sarifFile, 'utf8').slice(0, 500) : 'no'}`).toBe(1);
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    const runObj = sarif.runs[0];
    const ruleIds = runObj.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ruleIds).toEqual(expect.arrayContaining(['pickle.dangerous-global', 'archive.path-traversal']));
    for (const r of runObj.tool.driver.rules) expect(r.shortDescription.text.length).toBeGreaterThan(0);
    expect(runObj.results.length).toBeGreaterThan(1);
    for (const res of runObj.results) {
      expect(ruleIds).toContain(res.ruleId);
      expect(['none', 'note', 'warning', 'error']).toContain(res.level);
      expect(res.message.text.length).toBeGreaterThan(0);
      expect(res.locations[0].physicalLocation.artifactLocation.uri).toEqual(expect.any(String));
    }
    expect(runObj.results.some((r: { locations: Array<{ physicalLocation: { region?: { byteOffset: number } } }> }) => typeof r.locations[0].physicalLocation.region?.byteOffset === 'number')).toBe(true);
  });

  it('writes a self-contained, escaped, accessible HTML report', () => {
    const weird = join(out, '<script>alert(1)<%2Fscript>.pkl');
    writeFileSync(weird, readFileSync(join(corpus, 'malicious/reduce_os_system.pkl')));
    const html = run('scan', weird, '--format', 'html').stdout;
    expect(html).toContain('<!DOCTYPE html>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toMatch(/<th scope="col">/);
    expect(html).toMatch(/<h1>/);
    expect(html).not.toMatch(/(src|href)=["']https?:/);
    expect(html).toContain('CRITICAL');
  });

  it('loads --rules (YAML) allow/deny lists and plugins, and caches results by content', () => {
    const rules = join(out, 'rules.yaml');
    writeFileSync(join(out, 'plugin.js'), `module.exports = { scanner: { name: 'demo', canHandle: (h) => h.toString('latin1').startsWith('DEMO'), scan: async (i) => [{ ruleId: 'demo.hit', severity: 'CRITICAL', message: 'demo', location: { file: i.path } }] } };`);
    writeFileSync(join(out, 'x.demo'), 'DEMO file');
    writeFileSync(rules, 'allowCallables:\n  - mylib.models.Thing\ndenyCallables:\n  - collections.OrderedDict\nplugins:\n  - ./plugin.js\n');
    expect(run('scan', join(corpus, 'suspicious/unknown_global.pkl'), '--rules', rules, '--strict').code).toBe(0);
    const denied = run('scan', join(corpus, 'benign/state_dict_proto2.pkl'), '--rules', rules);
    expect(denied.code).toBe(1);
    expect(denied.stdout).toContain('denyCallables');
    const demo = run('scan', join(out, 'x.demo'), '--rules', rules, '--format', 'json');
    expect(JSON.parse(demo.stdout).files[0].findings[0].ruleId).toBe('demo.hit');
    writeFileSync(join(out, 'bad.yaml'), 'unknownKey: [1]\n');
    expect(run('scan', join(out, 'x.demo'), '--rules', join(out, 'bad.yaml')).code).toBe(2);
    // Admins allow exact reviewed names, never a whole package.
    writeFileSync(join(out, 'wild.yaml'), 'allowCallables:\n  - mylib.models.*\n');
    expect(run('scan', join(corpus, 'suspicious/unknown_global.pkl'), '--rules', join(out, 'wild.yaml')).code).toBe(2);

    const cacheDir = join(out, 'cache');
    const first = JSON.parse(run('scan', join(corpus, 'malicious/torch_legacy.pt'), '--cache', cacheDir, '--format', 'json').stdout);
    expect(existsSync(cacheDir) && readdirSync(cacheDir).length).toBe(1);
    const second = JSON.parse(run('scan', join(corpus, 'malicious/torch_legacy.pt'), '--cache', cacheDir, '--format', 'json').stdout);
    expect(second.files[0].findings).toEqual(first.files[0].findings);
    expect(second.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    run('scan', join(corpus, 'malicious/torch_legacy.pt'), '--cache', cacheDir, '--strict');
    expect(readdirSync(cacheDir).length).toBe(2);
  });

  it('enforces --max-size and --timeout', () => {
    const big = run('scan', join(corpus, 'benign/torch_tar.tar'), '--max-size', '1KB', '--format', 'json');
    expect(big.code).toBe(1);
    expect(JSON.parse(big.stdout).files[0].findings[0].ruleId).toBe('budget.size');
    expect(run('scan', join(corpus, 'benign'), '--timeout', '0').code).toBe(2);
  });
});
