import { readFileSync } from 'node:fs';
import { type AppConfig, loadServiceSection } from '@modelguard/config';
import { type ChainKey, chainKeyOf, loadChainKey } from './chain-key';

/** Injection token of the audit chain's keys. */
export const AUDIT_CHAIN_KEYS = Symbol.for('modelguard.audit.chain-keys');

export interface AuditChainKeys {
  /** Links every new entry. */
  current: ChainKey;
  /** Every key the log may name, by key id (the current one included); rotated-out keys keep old entries verifiable. */
  byId: ReadonlyMap<string, ChainKey>;
}

/** The configured keys; a retired key file that is missing or too short stops start-up (old entries would not verify). */
export function auditChainKeysFrom(config: AppConfig): AuditChainKeys {
  const section = config.audit ?? loadServiceSection('audit', {}, { dataDir: config.dataDir });
  const current = loadChainKey(section.chainKey, section.chainKeyFile);
  const retired = section.retiredKeyFiles.map((file) => chainKeyOf(readFileSync(file, 'utf8')));
  return { current, byId: new Map([...retired, current].map((k) => [k.keyId, k])) };
}
