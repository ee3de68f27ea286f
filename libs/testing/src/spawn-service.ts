import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export interface SpawnedService {
  name: string;
  url: string;
  pid: number;
  child: ChildProcess;
  /** Everything the process wrote (stdout + stderr), for failure messages. */
  output(): string;
  /** SIGKILL (crash test) or SIGTERM (graceful); resolves when the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** A TCP port that was free a moment ago (good enough for tests on one machine). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => res(port));
    });
  });
}

/**
 * Runs `node dist/apps/<name>/src/main.js` (build first: `node scripts/build.mjs`) and waits until its
 * GET /health answers 200. HTTP_PORT is chosen here unless given.
 */
export async function spawnService(name: string, env: NodeJS.ProcessEnv, opts: { readyTimeoutMs?: number; cwd?: string } = {}): Promise<SpawnedService> {
  const cwd = opts.cwd ?? resolve(__dirname, '../../..');
  const port = env['HTTP_PORT'] ? Number(env['HTTP_PORT']) : await freePort();
  const main = resolve(cwd, 'dist/apps', name, 'src/main.js');
  // dist/ is shared: a concurrent `scripts/build.mjs` empties it and rebuilds. Wait for it to reappear.
  const buildDeadline = Date.now() + 90_000;
  while (!existsSync(main)) {
    if (Date.now() > buildDeadline) throw new Error(`${main} not built (run node scripts/build.mjs)`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const child = spawn(process.execPath, [main], {
    cwd,
    env: { ...process.env, ...env, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const append = (chunk: Buffer) => {
    log += chunk.toString();
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before becoming healthy:\n${log.slice(-4000)}`);
    }
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} not healthy after ${opts.readyTimeoutMs ?? 60_000} ms:\n${log.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name,
    url,
    pid: child.pid ?? -1,
    child,
    output: () => log,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
