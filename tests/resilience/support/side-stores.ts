import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@modelguard/testing';
import { sleep } from './cluster';

const s3mockScript = resolve(__dirname, '../../../tools/s3mock/s3mock.sh');
const devJarDir = resolve(__dirname, '../../../tools/s3mock/.s3mock');

/**
 * A private S3Mock (tools/s3mock/s3mock.sh) on its own ports and home, so stopping it never touches the dev
 * instance. Restarts keep the data (S3MOCK_KEEP_DATA=1), as a real S3 outage would.
 */
export async function startPrivateS3Mock(id: string): Promise<{ endpoint: string; stop(): Promise<void>; start(): Promise<void>; dispose(): Promise<void> }> {
  const home = join(tmpdir(), `mg-s3mock-${id}`);
  mkdirSync(home, { recursive: true });
  // Reuse the jar the dev instance already fetched (no Maven round trip) when it is there.
  const jar = join(devJarDir, 's3mock-5.2.0-exec.jar');
  if (existsSync(jar) && !existsSync(join(home, 's3mock-5.2.0-exec.jar'))) symlinkSync(jar, join(home, 's3mock-5.2.0-exec.jar'));
  const env = { ...process.env, S3MOCK_HOME_DIR: home, S3MOCK_PORT: String(await freePort()), S3MOCK_HTTPS_PORT: String(await freePort()), S3MOCK_KEEP_DATA: '1' };
  // Asynchronous: the load in this process keeps running while the JVM stops or starts.
  const run = async (command: string) => void (await promisify(execFile)('bash', [s3mockScript, command], { env, timeout: 150_000 }));
  await run('start');
  const dispose = async () => {
    await run('stop');
    rmSync(home, { recursive: true, force: true });
  };
  return { endpoint: `http://127.0.0.1:${env.S3MOCK_PORT}`, stop: () => run('stop'), start: () => run('start'), dispose };
}

/** A private redis-server on its own port with persistence off, so a restart loses every key. */
export async function startPrivateRedis(): Promise<{ url: string; stop(): Promise<void>; start(): Promise<void> }> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    for (let i = 0; i < 100; i += 1) {
      try {
        execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' });
        return;
      } catch {
        await sleep(50);
      }
    }
    throw new Error(`redis-server on ${port} did not answer`);
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, stop, start };
}
