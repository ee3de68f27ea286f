import { Readable, type Transform } from 'node:stream';
import type { ComponentHealth } from '@modelguard/observability';
import type { ByteRange } from '@modelguard/packages';
import { BlobStore, type PutBlobOptions, type PutBlobResult, type StoredBlob, type VerifiedBlob } from '../blob-store';
import type { BlobRewriter } from './blob-rewriter';
import { type HeaderWriter, rewrapBlob } from './rewrap';
import { MAGIC } from './chunk-format';
import type { EncryptedBlobStore } from './encrypted-blob-store';
import { isSealed, sealBlob } from './seal-blob';

/**
 * A store where plaintext and sealed (encrypted) blobs live side by side under their content addresses:
 * STORAGE_ENCRYPTION=sensitive (uploads stay plaintext until their model is marked sensitive, then are sealed in
 * place by a job), and STORAGE_ENCRYPTION=all (`sealAllWrites`: every upload sealed, while blobs written before the
 * switch stay readable until the migration has sealed them). Reads look at the stored object: the MGEB magic means
 * sealed (decrypted, authenticated chunk by chunk; a bad header or unknown key id is an error, never plaintext), else
 * the bytes are served as they are (the download path re-hashes them against the signed manifest).
 *
 * So that the magic is never ambiguous, an upload whose own bytes start with it is always sealed. A blob shared by a
 * sensitive and a non-sensitive model is one object: once sealed it stays sealed for both (decrypted transparently),
 * and a later plaintext upload of the same content is deduplicated onto the sealed object, never stored again in the
 * clear.
 */
export class SelectiveEncryptionBlobStore extends BlobStore {
  constructor(
    readonly sealed: EncryptedBlobStore,
    private readonly writers: { rewrite: BlobRewriter; writeHeader: HeaderWriter },
    readonly sealAllWrites: boolean,
  ) {
    super();
  }

  private get raw(): BlobStore {
    return this.sealed.inner;
  }

  async put(body: Readable, opts: PutBlobOptions = {}): Promise<PutBlobResult> {
    if (this.sealAllWrites) return this.sealed.put(body, opts);
    const { head, stream } = await peek(body, MAGIC.length);
    return head.equals(MAGIC) ? this.sealed.put(stream, opts) : this.raw.put(stream, opts);
  }

  async get(sha256: string, range?: ByteRange): Promise<Readable> {
    if (await isSealed(this.raw, sha256)) return this.sealed.get(sha256, range);
    const plain = await this.raw.get(sha256, range);
    // A seal may have committed between the look and the open; then the opened object may be the new ciphertext.
    if (await isSealed(this.raw, sha256)) {
      plain.destroy();
      return this.sealed.get(sha256, range);
    }
    return plain;
  }

  /** Plaintext blobs keep the driver's fast path (fs: verified stat); sealed ones are decrypted and checked. */
  override async getVerified(sha256: string, check: () => Transform): Promise<VerifiedBlob> {
    if (await isSealed(this.raw, sha256)) return super.getVerified(sha256, check);
    const plain = await this.raw.getVerified(sha256, check);
    // As in get(): a seal that committed between the look and the open is read through the decrypting path.
    if (await isSealed(this.raw, sha256)) {
      plain.body.destroy();
      return super.getVerified(sha256, check);
    }
    return plain;
  }

  async stat(sha256: string): Promise<{ size: number } | null> {
    return (await isSealed(this.raw, sha256)) ? this.sealed.stat(sha256) : this.raw.stat(sha256);
  }

  /** Seals one blob in place (same content address). Idempotent: false when it already was. */
  seal(sha256: string): Promise<boolean> {
    return sealBlob(this.sealed, sha256, this.writers.rewrite);
  }

  /** Moves a sealed blob's data key to the current KEK (header only). False when plaintext or already current. */
  async rewrap(sha256: string): Promise<boolean> {
    if (!(await isSealed(this.raw, sha256))) return false;
    return rewrapBlob(this.sealed, sha256, this.writers.writeHeader);
  }

  /** Whether a blob is stored sealed (null: no such blob). */
  isSealed(sha256: string): Promise<boolean | null> {
    return isSealed(this.raw, sha256);
  }

  delete(sha256: string): Promise<void> {
    return this.raw.delete(sha256);
  }

  /** Sizes are stored sizes (ciphertext for sealed blobs): listing reads no headers. */
  list(pageSize?: number): AsyncIterable<StoredBlob[]> {
    return this.raw.list(pageSize);
  }

  deleteMany(sha256s: readonly string[]): Promise<void> {
    return this.raw.deleteMany(sha256s);
  }

  sweepTemp(olderThanMs: number): Promise<number> {
    return this.raw.sweepTemp(olderThanMs);
  }

  async healthCheck(): Promise<ComponentHealth> {
    const h = await this.sealed.healthCheck();
    return { ...h, metrics: { ...h.metrics, encryption: this.sealAllWrites ? 'aes-256-gcm (all)' : 'aes-256-gcm (sensitive)' } };
  }
}

/** The first `n` bytes of a stream (fewer if it is shorter) and a stream that still yields everything. */
async function peek(body: Readable, n: number): Promise<{ head: Buffer; stream: Readable }> {
  const it = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const seen: Buffer[] = [];
  let len = 0;
  while (len < n) {
    const next = await it.next();
    if (next.done) break;
    const b = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    seen.push(b);
    len += b.length;
  }
  const head = Buffer.concat(seen).subarray(0, n);
  async function* rest(): AsyncGenerator<Buffer> {
    yield* seen;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, stream: Readable.from(rest(), { objectMode: false }) };
}
