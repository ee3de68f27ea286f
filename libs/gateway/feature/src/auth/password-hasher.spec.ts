import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password-hasher';

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
});
