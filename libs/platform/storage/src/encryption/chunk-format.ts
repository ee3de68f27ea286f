/**
 * On-disk / in-bucket layout of an encrypted blob (version 1):
 *
 *   header (HEADER_SIZE bytes, fixed so it can be rewritten in place on key rotation)
 *   chunk 0 .. chunk n-1: AES-256-GCM(ciphertext || 16-byte tag) of `chunkSize` plaintext bytes each,
 *                         the last one shorter (an empty blob is one empty last chunk)
 *
 * Header: magic "MGEB" | version u8 | reserved u8 | chunkSize u32 | noncePrefix 8 B |
 *         keyId length u8 + keyId (KEY_ID_MAX, zero padded) | wrapped length u8 + wrapped key (WRAPPED_MAX, zero padded)
 *
 * Nonce = noncePrefix || chunk index u32 (unique per blob; every blob also has its own data key).
 * AAD   = the first FIXED_PREFIX bytes of the header || index u32 || last-chunk flag u8, so chunks cannot be
 *         reordered, dropped, or the blob cut at a chunk boundary (the new last chunk was sealed as "not last").
 * The plaintext length is not stored: it is not known when the header is written (streaming), and it follows
 * from the stored size and the chunk size (see plaintextSize). The key id and wrapped key are not in the AAD so
 * that rotation can replace them without touching the chunks; the wrapped key is itself authenticated by the KEK.
 */
export const MAGIC = Buffer.from('MGEB', 'ascii');
export const FORMAT_VERSION = 1;
export const TAG_SIZE = 16;
export const DEFAULT_CHUNK_SIZE = 64 * 1024;
export const KEY_ID_MAX = 63;
export const WRAPPED_MAX = 109;
const FIXED_PREFIX = 4 + 1 + 1 + 4 + 8;
export const HEADER_SIZE = FIXED_PREFIX + 1 + KEY_ID_MAX + 1 + WRAPPED_MAX; // 192

export interface BlobHeader {
  chunkSize: number;
  noncePrefix: Buffer;
  keyId: string;
  wrappedKey: Buffer;
}

export class FormatError extends Error {}

export function encodeHeader(h: BlobHeader): Buffer {
  const keyId = Buffer.from(h.keyId, 'utf8');
  if (keyId.length === 0 || keyId.length > KEY_ID_MAX) throw new FormatError(`key id must be 1-${KEY_ID_MAX} bytes`);
  if (h.wrappedKey.length === 0 || h.wrappedKey.length > WRAPPED_MAX) throw new FormatError(`wrapped key must be 1-${WRAPPED_MAX} bytes`);
  if (h.noncePrefix.length !== 8) throw new FormatError('nonce prefix must be 8 bytes');
  if (!Number.isInteger(h.chunkSize) || h.chunkSize < 1 || h.chunkSize > 16 * 1024 * 1024) throw new FormatError('chunk size out of range');
  const out = Buffer.alloc(HEADER_SIZE);
  MAGIC.copy(out, 0);
  out.writeUInt8(FORMAT_VERSION, 4);
  out.writeUInt32BE(h.chunkSize, 6);
  h.noncePrefix.copy(out, 10);
  out.writeUInt8(keyId.length, FIXED_PREFIX);
  keyId.copy(out, FIXED_PREFIX + 1);
  const w = FIXED_PREFIX + 1 + KEY_ID_MAX;
  out.writeUInt8(h.wrappedKey.length, w);
  h.wrappedKey.copy(out, w + 1);
  return out;
}

export function decodeHeader(buf: Buffer): BlobHeader {
  if (buf.length < HEADER_SIZE) throw new FormatError(`header truncated (${buf.length} of ${HEADER_SIZE} bytes)`);
  if (!buf.subarray(0, 4).equals(MAGIC)) throw new FormatError('not an encrypted blob (bad magic)');
  const version = buf.readUInt8(4);
  if (version !== FORMAT_VERSION) throw new FormatError(`unsupported format version ${version}`);
  const chunkSize = buf.readUInt32BE(6);
  if (chunkSize < 1 || chunkSize > 16 * 1024 * 1024) throw new FormatError(`invalid chunk size ${chunkSize}`);
  const idLen = buf.readUInt8(FIXED_PREFIX);
  const w = FIXED_PREFIX + 1 + KEY_ID_MAX;
  const wLen = buf.readUInt8(w);
  if (idLen === 0 || idLen > KEY_ID_MAX || wLen === 0 || wLen > WRAPPED_MAX) throw new FormatError('corrupt key fields');
  // Padding is not covered by any tag; requiring zeros keeps every header byte meaningful.
  const padding = [buf.subarray(FIXED_PREFIX + 1 + idLen, w), buf.subarray(w + 1 + wLen, HEADER_SIZE), buf.subarray(5, 6)];
  if (padding.some((p) => p.some((x) => x !== 0))) throw new FormatError('corrupt header (non-zero padding)');
  return {
    chunkSize,
    noncePrefix: Buffer.from(buf.subarray(10, 18)),
    keyId: buf.subarray(FIXED_PREFIX + 1, FIXED_PREFIX + 1 + idLen).toString('utf8'),
    wrappedKey: Buffer.from(buf.subarray(w + 1, w + 1 + wLen)),
  };
}

/** The authenticated part of the header (everything except the rotatable key fields). */
export function headerPrefix(header: Buffer): Buffer {
  return header.subarray(0, FIXED_PREFIX);
}

export function chunkNonce(noncePrefix: Buffer, index: number): Buffer {
  const nonce = Buffer.alloc(12);
  noncePrefix.copy(nonce, 0);
  nonce.writeUInt32BE(index, 8);
  return nonce;
}

export function chunkAad(prefix: Buffer, index: number, last: boolean): Buffer {
  const aad = Buffer.alloc(prefix.length + 5);
  prefix.copy(aad, 0);
  aad.writeUInt32BE(index, prefix.length);
  aad.writeUInt8(last ? 1 : 0, prefix.length + 4);
  return aad;
}

/** Plaintext size and chunk count from the stored object size; throws FormatError for impossible sizes. */
export function layoutOf(storedSize: number, chunkSize: number): { plainSize: number; chunkCount: number } {
  const body = storedSize - HEADER_SIZE;
  if (body < TAG_SIZE) throw new FormatError(`stored size ${storedSize} too small for any chunk`);
  const sealed = chunkSize + TAG_SIZE;
  const full = Math.floor(body / sealed);
  const rem = body % sealed;
  if (rem === 0) return { plainSize: full * chunkSize, chunkCount: full };
  if (rem < TAG_SIZE) throw new FormatError(`stored size ${storedSize} ends inside a chunk tag (truncated?)`);
  return { plainSize: full * chunkSize + rem - TAG_SIZE, chunkCount: full + 1 };
}

/** Stored offset of chunk `index`. */
export function chunkOffset(index: number, chunkSize: number): number {
  return HEADER_SIZE + index * (chunkSize + TAG_SIZE);
}
