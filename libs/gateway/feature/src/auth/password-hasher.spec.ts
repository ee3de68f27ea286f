import { describe, expect, it } from 'vitest';
import { PASSWORD_HASH_CONCURRENCY, hashPassword, passwordHashesRunning, verifyPassword } from './password-hasher';

describe('password hashing (scrypt)', () => {
  it('verifies the right password only and salts every hash', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    await expect(verifyPassword('correct horse', a)).resolves.toBe(true);
    await expect(verifyPassword('correct horsf', a)).resolves.toBe(false);
    await expect(verifyPassword('x', 'garbage')).resolves.toBe(false);
  });

  it('treats canonically equivalent Unicode spellings as the same password', async () => {
    const composed = await hashPassword('caf\u00e9-password');
    await expect(verifyPassword('cafe\u0301-password', composed)).resolves.toBe(true);
  });

  it('runs at most one hash per core (up to 4) at once; the rest wait their turn and all finish', async () => {
    const n = PASSWORD_HASH_CONCURRENCY + 3;
    let most = 0;
    const watch = setInterval(() => (most = Math.max(most, passwordHashesRunning())), 1);
    try {
      const hashes = Promise.all(Array.from({ length: n }, (_, i) => hashPassword(`pw-${i}`)));
      expect(passwordHashesRunning()).toBe(PASSWORD_HASH_CONCURRENCY);
      const done = await hashes;
      await Promise.all(done.map(async (hash, i) => expect(await verifyPassword(`pw-${i}`, hash)).toBe(true)));
    } finally {
      clearInterval(watch);
    }
    expect(most).toBe(PASSWORD_HASH_CONCURRENCY);
    expect(passwordHashesRunning()).toBe(0);
  });
});
