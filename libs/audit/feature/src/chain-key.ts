import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The key that links audit entries. Only its id is ever stored (per entry), never the key. */
export interface ChainKey {
  /** 16 hex digits derived from the key: names the key on each entry so a rotated-out key can still be found. */
  keyId: string;
  secret: Buffer;
}

export function chainKeyOf(material: string): ChainKey {
  const secret = Buffer.from(material.trim(), 'utf8');
  if (secret.length < 32) throw new Error('the audit chain key must be at least 32 characters');
  return { keyId: createHash('sha256').update('modelguard-audit-chain-key\0').update(secret).digest('hex').slice(0, 16), secret };
}

/**
 * The configured key, or the one in `file` (generated on first start, like the gateway's signing key). `wx` makes
 * first-start generation atomic when two processes race: the loser reads the winner's key.
 */
export function loadChainKey(inline: string | undefined, file: string): ChainKey {
  if (inline !== undefined) return chainKeyOf(inline);
  try {
    return chainKeyOf(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const material = randomBytes(32).toString('hex');
  try {
    writeFileSync(file, `${material}\n`, { mode: 0o600, flag: 'wx' });
    return chainKeyOf(material);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return chainKeyOf(readFileSync(file, 'utf8'));
    throw error;
  }
}
