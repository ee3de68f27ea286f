import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runMonitorProgram } from './monitor-runner';
import { refusalMessage } from './monitor-verdict';

const LIMITS = { timeoutMs: 3_000, memoryMb: 512, keepOutputBytes: 1024, maxOutputBytes: 64 * 1024 };
const dirs: string[] = [];

async function run(source: string, limits = LIMITS) {
  const dir = await mkdtemp(join(tmpdir(), 'runner-'));
  dirs.push(dir);
  const programPath = join(dir, 'program.js');
  await writeFile(programPath, source);
  return runMonitorProgram({ dir, programPath, args: ['model', 'owner', 'reader', join(dir, 'package.zip')] }, limits);
}

/** The runner on its own (the full download path is in gateway-monitor-limits.int-spec.ts). */
describe('runMonitorProgram', () => {
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  it('passes exit 0 and hands over the four arguments unchanged', async () => {
    const out = await run("console.log(JSON.stringify(process.argv.slice(2)));");
    expect(out).toMatchObject({ verdict: 'passed', exitCode: 0, signal: null });
    expect(JSON.parse(out.stdout)).toEqual(['model', 'owner', 'reader', expect.stringMatching(/package\.zip$/)]);
  });

  it('fails a non-zero exit and keeps its stdout for the refusal', async () => {
    const out = await run("console.log('nope'); process.exit(7);");
    expect(out).toMatchObject({ verdict: 'failed', exitCode: 7 });
    expect(refusalMessage('bert', out)).toBe('download of sensitive model bert refused: its monitor program exited with code 7. Program stdout:\nnope\n');
  });

  it('treats a thrown error as a failure and a signal as a crash', async () => {
    expect((await run("throw new Error('boom')")).verdict).toBe('failed');
    const crashed = await run("process.kill(process.pid, 'SIGSEGV')");
    expect(crashed).toMatchObject({ verdict: 'crashed', signal: 'SIGSEGV' });
    expect(refusalMessage('bert', crashed)).toContain('crashed (signal SIGSEGV)');
  });

  it('kills at the output limit, keeping only the first bytes', async () => {
    const out = await run("const s = 'y'.repeat(4096); (function w() { for (;;) if (!process.stdout.write(s)) return process.stdout.once('drain', w); })();");
    expect(out.verdict).toBe('over-limit');
    expect(out.stdout).toMatch(/^y{1024}\n\[… \d+ more bytes not shown\]$/);
    expect(out.durationMs).toBeLessThan(2_500);
  });

  it('stops heap exhaustion by the memory cap, not the timer', async () => {
    // V8 collects hard near its heap limit before giving up, so this takes seconds; the generous timeout shows
    // that the cap (not the wall clock) ended it.
    const out = await run('const held = []; for (;;) held.push(new Array(1e7).fill(0));', { ...LIMITS, timeoutMs: 20_000 });
    expect(['failed', 'crashed']).toContain(out.verdict);
  }, 30_000);
});
