import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { generateSigningKeyPem, publicKeyFromPem, publicKeyPem, signingKeyFromPem, type SigningKey } from '@modelguard/signing';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
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
  ) {
    this.logger = logger.child({ context: 'SigningKeys' });
  }

  async onModuleInit(): Promise<void> {
    const { keyPem, keyFile } = this.settings.gateway.signing;
    const key = signingKeyFromPem(keyPem ?? readOrCreateKeyFile(keyFile));
    await this.dataSource.getRepository(SigningKeyEntity).upsert({ keyId: key.keyId, publicKeyPem: publicKeyPem(key.publicKey) }, { conflictPaths: ['keyId'], skipUpdateIfNoValuesChanged: true });
    this.key = key;
    this.known.set(key.keyId, key.publicKey);
    this.logger.info(`manifests are signed with key ${key.keyId}${keyPem ? '' : ` (${keyFile})`}`);
  }

  current(): SigningKey {
    if (this.key === null) throw new Error('signing key used before the module initialised');
    return this.key;
  }

  /** A key the registry signed with, by id; looked up once in the table (rotated-out keys, other replicas' keys). */
  async trusted(keyId: string): Promise<KeyObject | undefined> {
    const cached = this.known.get(keyId);
    if (cached !== undefined || !/^[0-9a-f]{64}$/.test(keyId)) return cached;
    const row = await this.dataSource.getRepository(SigningKeyEntity).findOneBy({ keyId });
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

/** `wx` makes first-start generation atomic when two processes race: the loser reads the winner's key. */
function readOrCreateKeyFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const pem = generateSigningKeyPem();
  try {
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    return pem;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8');
    throw error;
  }
}
