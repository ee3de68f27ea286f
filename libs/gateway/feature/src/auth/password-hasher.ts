import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { ClientError } from '../domain/client-error';
import { RunSlots } from '../domain/run-slots';

// N=2^15 makes one hash cost ~50 ms: expensive for offline guessing, cheap enough for logins. maxmem must be
// raised above 128*N*r bytes or node refuses these parameters.
const PARAMS = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LEN = 32;

/**
 * Hashes running at once: one per core, at most 4. Each holds 128*N*r = 32 MiB and a thread of libuv's pool (4
 * threads, shared with every file read and write). 100 sign-ins at once otherwise took the whole pool, stalling
 * downloads' reads behind them, and 4 x 32 MiB of memory; more hashes than cores finish no sooner.
 */
export const PASSWORD_HASH_CONCURRENCY = Math.max(1, Math.min(4, availableParallelism()));
// A queue of ~25 s of hashing on 2 cores; past it, or after 30 s of waiting, a sign-in is told to come back.
const hashSlots = new RunSlots(PASSWORD_HASH_CONCURRENCY, 1_000, 30_000, () => new ClientError(503, 'too many sign-ins are being checked at once; retry shortly', { 'Retry-After': '1' }));

/** How many hashes run now (at most PASSWORD_HASH_CONCURRENCY). */
export function passwordHashesRunning(): number {
  return hashSlots.active;
}

async function derive(password: string, salt: Buffer, params: ScryptOptions): Promise<Buffer> {
  const release = await hashSlots.acquire();
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      scrypt(password.normalize('NFC'), salt, KEY_LEN, params, (err, key) => (err ? reject(err) : resolve(key)));
    });
  } finally {
    release();
  }
}

/** Self-describing hash: `scrypt$N$r$p$salt$key` so parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, key] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
