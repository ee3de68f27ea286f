import { createHash } from 'node:crypto';

/**
 * Deterministic stand-ins for large upstream files, generated at server start so no binary blobs live in git.
 * Same (path, size, format) always yields the same bytes, so tests can compare digests across runs.
 */
/** `repeat`: a 1 MiB pseudo-random block repeated (cheap to generate at hundreds of MB, still incompressible per block). */
export type GeneratedFormat = 'safetensors' | 'parquet' | 'raw' | 'repeat';

function pseudoRandom(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let offset = 0; offset < size; offset += block.length) {
    block.copy(out, offset, 0, Math.min(block.length, size - offset));
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/** A valid safetensors file: u64 header length, JSON header (space-padded to 8 bytes), then F32 tensor data. */
function safetensors(seed: string, size: number): Buffer {
  for (let floats = Math.floor((size - 8 - 160) / 4); floats > 0; floats -= 1) {
    const json = JSON.stringify({ __metadata__: { format: 'pt' }, 'embeddings.weight': { dtype: 'F32', shape: [floats], data_offsets: [0, floats * 4] } });
    const headerLen = size - 8 - floats * 4;
    if (headerLen < json.length || headerLen % 8 !== 0) continue;
    const header = Buffer.alloc(8);
    header.writeBigUInt64LE(BigInt(headerLen));
    const body = Buffer.alloc(floats * 4);
    const noise = pseudoRandom(seed, floats);
    for (let i = 0; i < floats; i += 1) body.writeFloatLE((noise[i] - 128) / 1024, i * 4);
    return Buffer.concat([header, Buffer.from(json.padEnd(headerLen, ' ')), body]);
  }
  // Sizes that cannot hold a valid header fall back to opaque bytes rather than failing the fake.
  return pseudoRandom(seed, size);
}

/** Parquet framing (PAR1 magic at both ends) around filler, enough for magic-byte sniffing. */
function parquet(seed: string, size: number): Buffer {
  const out = pseudoRandom(seed, size);
  out.write('PAR1', 0, 'latin1');
  out.write('PAR1', size - 4, 'latin1');
  return out;
}

export function generateContent(repo: string, path: string, size: number, format: GeneratedFormat): Buffer {
  const seed = `${repo}/${path}`;
  switch (format) {
    case 'safetensors':
      return safetensors(seed, size);
    case 'parquet':
      return parquet(seed, size);
    case 'raw':
      return pseudoRandom(seed, size);
    case 'repeat': {
      const block = pseudoRandom(seed, Math.min(size, 1024 * 1024));
      const out = Buffer.allocUnsafe(size);
      for (let offset = 0; offset < size; offset += block.length) block.copy(out, offset, 0, Math.min(block.length, size - offset));
      return out;
    }
  }
}

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Git blob id: what the Hub and GitHub report as `oid` / ETag for non-LFS files. */
export function gitBlobSha1(data: Buffer): string {
  return createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
}

/** The pointer file git stores for an LFS object; its blob id is the tree `oid` of an LFS entry. */
export function lfsPointer(sha256: string, size: number): Buffer {
  return Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`);
}
