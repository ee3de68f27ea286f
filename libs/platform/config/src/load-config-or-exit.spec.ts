import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Runs loadConfigOrExit in a real child process (it calls process.exit, which must not kill the test
 * runner). The library sources are transpiled to CommonJS in a temp dir; NODE_PATH lets them find zod.
 */
const repoRoot = resolve(__dirname, '../../../..');
let outDir: string;

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'mg-config-exit-'));
  mkdirSync(outDir, { recursive: true });
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))) {
    const out = ts.transpileModule(readFileSync(join(__dirname, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, experimentalDecorators: true, esModuleInterop: true },
    });
    writeFileSync(join(outDir, file.replace(/\.ts$/, '.js')), out.outputText);
  }
  writeFileSync(
    join(outDir, 'main.js'),
    `const { loadConfigOrExit } = require('./load-config');
     const cfg = loadConfigOrExit(process.env, 'gateway');
     process.stdout.write('loaded ' + cfg.mode + ' ' + cfg.http.port);`,
  );
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function run(env: Record<string, string>) {
  return spawnSync(process.execPath, [join(outDir, 'main.js')], {
    env: { PATH: process.env['PATH'] ?? '', NODE_PATH: join(repoRoot, 'node_modules'), ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('loadConfigOrExit', () => {
  it('prints every problem and exits with code 1', () => {
    const result = run({ MODELGUARD_MODE: 'distributed', HTTP_PORT: 'x', LOG_LEVEL: 'loud' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    for (const variable of ['HTTP_PORT', 'LOG_LEVEL', 'DATABASE_URL', 'JWT_SECRET', 'KAFKA_BROKERS', 'REDIS_URL']) {
      expect(result.stderr).toContain(`- ${variable}:`);
    }
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace, just the list
  });

  it('returns the config when valid', () => {
    const result = run({ DATA_DIR: join(outDir, 'data'), HTTP_PORT: '4000' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('loaded embedded 4000');
  });
});
