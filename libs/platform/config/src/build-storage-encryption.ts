import type { StorageEncryptionConfig } from './app-config.types';
import type { ProblemList } from './build-app-config';
import type { ParsedEnv } from './env.schema';
import { parseStorageKey, readOrCreateEmbeddedStorageKey, readStorageKeyFile } from './storage-encryption-key';

/**
 * STORAGE_ENCRYPTION=all|sensitive needs a key-encryption key: STORAGE_ENCRYPTION_KEY, or STORAGE_ENCRYPTION_KEY_FILE,
 * or (embedded mode only) one generated into the data dir. Distributed services must share one key, so there
 * it has to be given explicitly.
 */
export function buildStorageEncryption(env: ParsedEnv, dataDir: string, distributed: boolean, problems: ProblemList): StorageEncryptionConfig | null {
  if ((env.STORAGE_ENCRYPTION ?? 'off') === 'off') return { mode: 'off' };
  if (env.STORAGE_ENCRYPTION_KEY && env.STORAGE_ENCRYPTION_KEY_FILE) {
    problems.add('STORAGE_ENCRYPTION_KEY_FILE', 'set either STORAGE_ENCRYPTION_KEY or STORAGE_ENCRYPTION_KEY_FILE, not both');
    return null;
  }
  let result: { key: string } | { problem: string };
  let variable = 'STORAGE_ENCRYPTION_KEY';
  if (env.STORAGE_ENCRYPTION_KEY) result = parseStorageKey(env.STORAGE_ENCRYPTION_KEY);
  else if (env.STORAGE_ENCRYPTION_KEY_FILE) {
    variable = 'STORAGE_ENCRYPTION_KEY_FILE';
    result = readStorageKeyFile(env.STORAGE_ENCRYPTION_KEY_FILE);
  } else if (!distributed) {
    variable = 'DATA_DIR';
    result = readOrCreateEmbeddedStorageKey(dataDir);
  } else {
    problems.missing('STORAGE_ENCRYPTION_KEY', 'or STORAGE_ENCRYPTION_KEY_FILE is required when STORAGE_ENCRYPTION is all in distributed mode');
    return null;
  }
  if ('problem' in result) {
    problems.add(variable, result.problem);
    return null;
  }
  const retired = retiredKeys(env.STORAGE_ENCRYPTION_RETIRED_KEY_FILES, problems);
  if (retired === null) return null;
  const mode = env.STORAGE_ENCRYPTION === 'sensitive' ? 'sensitive' : 'all';
  return { mode, kek: result.key, ...(retired.length > 0 ? { retiredKeks: retired } : {}) };
}

/**
 * STORAGE_ENCRYPTION_RETIRED_KEY_FILES: comma-separated files, one previous key each. Their key ids are derived from
 * the keys (as for the current one), so envelopes naming them still open after a rotation until re-wrapped.
 */
function retiredKeys(raw: string | undefined, problems: ProblemList): string[] | null {
  const files = (raw ?? '').split(',').map((f) => f.trim()).filter((f) => f.length > 0);
  const keys: string[] = [];
  for (const file of files) {
    const r = readStorageKeyFile(file);
    if ('problem' in r) {
      problems.add('STORAGE_ENCRYPTION_RETIRED_KEY_FILES', r.problem);
      return null;
    }
    keys.push(r.key);
  }
  return keys;
}
