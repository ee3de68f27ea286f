import { spawn } from 'node:child_process';
import { BoundedOutput } from './bounded-output';
import type { MonitorOutcome, MonitorVerdict } from './monitor-verdict';

export interface MonitorRunLimits {
  timeoutMs: number;
  /** Data-segment cap (RLIMIT_DATA) in MiB: covers the V8 heap and off-heap Buffers alike. */
  memoryMb: number;
  /** stdout/stderr bytes kept for the verdict. */
  keepOutputBytes: number;
  /** Total output after which the program is killed (over-limit). */
  maxOutputBytes: number;
}

export interface MonitorRun {
  /** Private directory (0700) holding program.js and the zip; the program's cwd, HOME and TMPDIR, its only writable place. */
  dir: string;
  programPath: string;
  /** MODEL_NAME UPLOADER_USERNAME DOWNLOADER_USERNAME ZIP_FILE_PATH */
  args: readonly [string, string, string, string];
}

// Applies the memory cap, then replaces the shell with node (exec), so the pid we hold is the program's own. The
// limit is RLIMIT_DATA, not RLIMIT_AS: Node's fetch compiles WebAssembly, whose guard regions reserve gigabytes of
// address space (PROT_NONE, not counted in the data limit) and would fail under an address-space cap.
const CAP_AND_EXEC = 'ulimit -d "$1" || exit 125; shift; unset PWD; exec "$@"';

/**
 * Runs one monitor program in its own process group: scrubbed environment, Node's permission model (reads and
 * writes only inside its directory, no child processes or workers; network stays open for audit servers), a memory
 * cap, bounded output and a wall-clock timeout after which the whole group is killed. Never throws for anything
 * the program does; every way it can end is a verdict.
 */
export function runMonitorProgram(run: MonitorRun, limits: MonitorRunLimits): Promise<MonitorOutcome> {
  const started = Date.now();
  const heapMb = Math.max(64, Math.floor(limits.memoryMb / 2));
  const nodeArgs = [
    `--max-old-space-size=${heapMb}`,
    '--experimental-permission',
    `--allow-fs-read=${run.dir}`,
    `--allow-fs-write=${run.dir}`,
    '--disable-warning=ExperimentalWarning',
    run.programPath,
    ...run.args,
  ];
  const child = spawn('/bin/sh', ['-c', CAP_AND_EXEC, 'modelguard-monitor', String(limits.memoryMb * 1024), process.execPath, ...nodeArgs], {
    cwd: run.dir,
    // Nothing of the gateway's environment (database URL, JWT secret, cloud credentials) reaches the program.
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: run.dir, TMPDIR: run.dir, LANG: 'C.UTF-8' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = new BoundedOutput(limits.keepOutputBytes, limits.maxOutputBytes);
  const stderr = new BoundedOutput(limits.keepOutputBytes, limits.maxOutputBytes);
  let forced: MonitorVerdict | null = null;
  const killGroup = (): void => {
    // Negative pid: the whole process group, so anything the program managed to start dies with it.
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const stop = (verdict: MonitorVerdict): void => {
    forced ??= verdict;
    killGroup();
  };
  const timer = setTimeout(() => stop('timeout'), limits.timeoutMs);
  child.stdout.on('data', (chunk: Buffer) => {
    if (!stdout.push(chunk)) stop('over-limit');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    if (!stderr.push(chunk)) stop('over-limit');
  });

  return new Promise((resolve) => {
    let done = false;
    const finish = (code: number | null, signal: string | null, startError: Error | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const verdict: MonitorVerdict = forced ?? (startError !== null || signal !== null ? 'crashed' : code === 0 ? 'passed' : 'failed');
      resolve({
        verdict,
        exitCode: code,
        signal,
        durationMs: Date.now() - started,
        stdout: stdout.text(),
        stderr: startError !== null ? `could not start the program: ${startError.message}` : stderr.text(),
      });
    };
    // A process that never started emits no 'close' we could rely on.
    child.on('error', (error) => finish(null, null, error));
    // 'close' waits for the pipes too; the leader's exit also kills leftovers that could hold them open.
    child.on('exit', killGroup);
    child.on('close', (code, signal) => finish(code, signal, null));
  });
}
