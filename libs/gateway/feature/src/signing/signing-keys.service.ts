import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { generateSigningKeyPem, publicKeyFromPem, publicKeyPem, signingKeyFromPem, type SigningKey } from '@modelguard/signing';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, type EntityManager } from 'typeorm';
import type { RequestActor } from '../auth/actor';
import { SecurityEvents } from '../auth/security-events';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../gateway-settings';
import { SigningKeyEntity } from '../persistence/signing-key.entity';

export interface PublishedKey {
  keyId: string;
  algorithm: 'ecdsa-p256-sha256';
  publicKeyPem: string;
  current: boolean;
}

/**
 * The registry's signing key and every public key it ever signed with. The current key comes from configuration
 * (or a file generated on first start); its public half is recorded in signing_keys before first use, so after a
 * rotation old bundles still verify and their keys stay published.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private key: SigningKey | null = null;
  private readonly known = new Map<string, KeyObject>();
  private readonly logger: Logger;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(SERVICE_LOGGER) logger: Logger,
    private readonly security: SecurityEvents,
  ) {
    this.logger = logger.child({ context: 'SigningKeys' });
  }

  async onModuleInit(): Promise<void> {
    const { keyPem, keyFile } = this.settings.gateway.signing;
    const source = keyPem === undefined ? readOrCreateKeyFile(keyFile) : { pem: keyPem, generated: false };
    const key = signingKeyFromPem(source.pem);
    await this.recordFirstUse(key, keyPem !== undefined ? 'configured' : source.generated ? 'generated' : 'key file');
    this.key = key;
    this.known.set(key.keyId, key.publicKey);
    this.logger.info(`manifests are signed with key ${key.keyId}${keyPem ? '' : ` (${keyFile})`}`);
  }

  /**
   * Records the key's public half before its first use and, only when this start is the first to see the key (one
   * replica wins the insert), audits it: SIGNING_KEY_ROTATE naming the key it replaces, or SIGNING_KEY_GENERATE
   * for the registry's first key. Row and event commit together, so a restart never audits the same key twice.
   */
  private async recordFirstUse(key: SigningKey, source: 'configured' | 'generated' | 'key file'): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(SigningKeyEntity);
      const previous = await repo.createQueryBuilder('k').where('k.keyId <> :id', { id: key.keyId }).orderBy('k.firstUsedAt', 'DESC').addOrderBy('k.keyId', 'DESC').getOne();
      const inserted = await repo.createQueryBuilder().insert().values({ keyId: key.keyId, publicKeyPem: publicKeyPem(key.publicKey) }).orIgnore().returning(['keyId']).execute();
      if (inserted.raw.length === 0) return;
      if (previous === null) await this.security.publish(m, SIGNING_ACTOR, 'SIGNING_KEY_GENERATE', key.keyId, `source=${source}`);
      else await this.security.publish(m, SIGNING_ACTOR, 'SIGNING_KEY_ROTATE', key.keyId, `replaces=${previous.keyId} source=${source}`);
    });
  }

  current(): SigningKey {
    if (this.key === null) throw new Error('signing key used before the module initialised');
    return this.key;
  }

  /**
   * A key the registry signed with, by id; looked up once in the table (rotated-out keys, other replicas' keys).
   * `m`: the caller's transaction, if any (see SignedManifestService.assertServable).
   */
  async trusted(keyId: string, m: EntityManager = this.dataSource.manager): Promise<KeyObject | undefined> {
    const cached = this.known.get(keyId);
    if (cached !== undefined || !/^[0-9a-f]{64}$/.test(keyId)) return cached;
    const row = await m.getRepository(SigningKeyEntity).findOneBy({ keyId });
    if (row === null) return undefined;
    const key = publicKeyFromPem(row.publicKeyPem);
    this.known.set(keyId, key);
    return key;
  }

  async published(): Promise<PublishedKey[]> {
    const rows = await this.dataSource.getRepository(SigningKeyEntity).find({ order: { firstUsedAt: 'ASC', keyId: 'ASC' } });
    const currentId = this.current().keyId;
    return rows.map((r) => ({ keyId: r.keyId, algorithm: 'ecdsa-p256-sha256', publicKeyPem: r.publicKeyPem, current: r.keyId === currentId }));
  }
}

/** The registry itself, as the actor of what it does with its key (generation and rotation at start-up, signing). */
export const SIGNING_ACTOR: RequestActor = { name: 'system:gateway', isAdmin: true, permissions: [] };

/** `wx` makes first-start generation atomic when two processes race: the loser reads the winner's key. */
function readOrCreateKeyFile(file: string): { pem: string; generated: boolean } {
  try {
    return { pem: readFileSync(file, 'utf8'), generated: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const pem = generateSigningKeyPem();
  try {
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    return { pem, generated: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { pem: readFileSync(file, 'utf8'), generated: false };
    throw error;
  }
}
