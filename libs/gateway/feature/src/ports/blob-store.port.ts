import type { Readable } from 'node:stream';
import type { ByteRange } from '@modelguard/packages';

/**
 * Content-addressed blob storage, shaped like @modelguard/storage's BlobStore so the platform store can be bound
 * directly. Everything is streamed: model files can be many gigabytes.
 */
export interface GatewayBlobStore {
  put(body: Readable): Promise<{ sha256: string; size: number; created: boolean }>;
  get(sha256: string, range?: ByteRange): Promise<Readable>;
  stat(sha256: string): Promise<{ size: number } | null>;
}

export const GATEWAY_BLOB_STORE = Symbol('GATEWAY_BLOB_STORE');
