import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const REPO_ROOT = resolve(__dirname, '../../..');
const REQUIREMENTS = join(REPO_ROOT, 'tests/python/hf-hub-requirements.txt');

/** The `huggingface_hub` release the README's HF_ENDPOINT snippet is tested with (pinned in REQUIREMENTS). */
export const HF_HUB_PY_VERSION = (/^huggingface_hub==(\S+)$/m.exec(readFileSync(REQUIREMENTS, 'utf8')) ?? [])[1] ?? 'unpinned';

/** The script the e2e spec drives the client with; the README's Python snippet is its `download` path. */
export const HF_HUB_SCRIPT = join(__dirname, 'hf_hub_client.py');

export type PythonHfHub = { python: string; skipped: null } | { python: null; skipped: string };

/**
 * A virtualenv with the real `huggingface_hub`, built by scripts/ensure-python.sh from the machine's configured pip
 * index (CI's local PyPI mirror), never from anything installed by hand; once per machine, like the tests' own
 * Python. When it cannot be built (no python3, no index) the answer says why, for the spec to skip loudly.
 */
export async function ensurePythonHfHub(): Promise<PythonHfHub> {
  try {
    const { stdout } = await run('bash', [join(REPO_ROOT, 'scripts/ensure-python.sh'), REQUIREMENTS], { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
    return { python: join(stdout.trim(), 'python'), skipped: null };
  } catch (error: unknown) {
    const e = error as { message?: string; stderr?: string };
    return { python: null, skipped: `could not create a venv with huggingface_hub==${HF_HUB_PY_VERSION} (no pip index?): ${(e.stderr ?? e.message ?? String(error)).trim().slice(-1500)}` };
  }
}

export interface PyResult {
  ok: boolean;
  /** On failure: the Python exception's class name and message, and the HTTP status/X-Error-Code when it was one. */
  error?: string;
  message?: string;
  status?: number | null;
  errorCode?: string | null;
  errorMessage?: string | null;
  /** The exception's class hierarchy, most specific first. */
  mro?: string[];
  /** Every HTTP request the client made, `METHOD url`, in order. */
  requests: string[];
  /** What the client logged (its warnings go to stderr). */
  stderr: string;
  [key: string]: unknown;
}

/** Runs one client operation (see hf_hub_client.py) against `endpoint` with a fresh process, as a user's script would. */
export async function runHfHub(python: string, op: string, args: Record<string, unknown>, env: { endpoint?: string; token?: string; cacheDir: string }): Promise<PyResult> {
  // Built from nothing, so HF_HUB_OFFLINE and the like from the caller's environment stay unset.
  const childEnv: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    ...(env.endpoint === undefined ? {} : { HF_ENDPOINT: env.endpoint }),
    ...(env.token === undefined ? {} : { HF_TOKEN: env.token }),
    HF_HUB_CACHE: env.cacheDir,
    HF_HUB_DISABLE_TELEMETRY: '1',
    HF_HUB_DISABLE_PROGRESS_BARS: '1',
    // A user's own ~/.cache/huggingface token or settings must not leak into the test.
    HF_HOME: join(env.cacheDir, '..', 'hf-home'),
  };
  const { stdout, stderr } = await run(python, [HF_HUB_SCRIPT, op, JSON.stringify(args)], { env: childEnv, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 });
  const last = stdout.trim().split('\n').pop() ?? '';
  return { ...(JSON.parse(last) as PyResult), stderr };
}

/** A temp dir per spec for HF_HUB_CACHE (and the HF_HOME beside it). */
export function pythonCacheDir(): { cacheDir: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'mg-hf-py-'));
  return { cacheDir: join(root, 'hub'), remove: () => rmSync(root, { recursive: true, force: true }) };
}
