import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const JWT_SECRET_FILE = 'jwt-secret';

/**
 * Embedded (single-user, local) mode must work without any setup, yet tokens must survive a restart.
 * So the first start generates a random secret and stores it under the data dir with owner-only
 * permissions; later starts read it back. `wx` makes creation atomic if two processes race: the
 * loser reads the winner's file.
 */
export function readOrCreateEmbeddedJwtSecret(dataDir: string): string {
  const file = join(dataDir, JWT_SECRET_FILE);
  const existing = tryRead(file);
  if (existing !== null) return existing;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  try {
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    if (isErrno(err, 'EEXIST')) {
      const raced = tryRead(file);
      if (raced !== null) return raced;
    }
    throw err;
  }
}

function tryRead(file: string): string | null {
  try {
    const value = readFileSync(file, 'utf8').trim();
    if (value.length < 32) throw new Error(`${file} holds a secret shorter than 32 characters; delete it to regenerate`);
    return value;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  }
}

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}
