import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const STORAGE_KEY_FILE = 'storage-encryption-key';

/** A 32-byte key in base64, or a message saying why it is not one. */
export function parseStorageKey(text: string): { key: string } | { problem: string } {
  const trimmed = text.trim();
  const bytes = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || bytes.length !== 32) return { problem: 'must be 32 bytes in base64 (openssl rand -base64 32)' };
  return { key: bytes.toString('base64') };
}

export function readStorageKeyFile(file: string): { key: string } | { problem: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { problem: `cannot read ${file}: ${(err as Error).message}` };
  }
  return parseStorageKey(text);
}

/**
 * Embedded mode with encryption on and no key configured: generate one into the data dir (owner-only),
 * atomically (`wx`), like the embedded JWT secret. Losing this file loses every encrypted blob, which is
 * why distributed mode requires an explicit key instead.
 */
export function readOrCreateEmbeddedStorageKey(dataDir: string): { key: string } | { problem: string } {
  const file = join(dataDir, STORAGE_KEY_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return { problem: `cannot create ${file}: ${(err as Error).message}` };
  }
  return readStorageKeyFile(file);
}
