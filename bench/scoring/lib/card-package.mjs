// @ts-check
// A small model package with a real model card, for the end-to-end rating benchmark: config.json and README.md
// taken from one of the course sample models (so the card metrics read a real card), plus one safetensors weight
// file of random finite F32 values. Unlike bench/registry/lib/package-zip.mjs (gigabyte-sized, streamed, fixed
// README) these are a few hundred KiB, built in memory.
import { randomFillSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import yazl from 'yazl';

const FIXED_MTIME = new Date('2024-01-01T00:00:00Z');
const HEADER_BYTES = 256; // 8 + 256 keeps the tensor data 4-byte aligned

/** One valid safetensors file of `dataBytes` (a multiple of 4) random finite F32 values. */
function safetensors(dataBytes) {
  const json = JSON.stringify({ __metadata__: { format: 'pt' }, weight: { dtype: 'F32', shape: [dataBytes / 4], data_offsets: [0, dataBytes] } });
  const out = Buffer.alloc(8 + HEADER_BYTES + dataBytes, 0x20);
  out.writeBigUInt64LE(BigInt(HEADER_BYTES), 0);
  out.write(json, 8, 'utf8');
  const data = randomFillSync(out.subarray(8 + HEADER_BYTES));
  const words = new Uint32Array(data.buffer, data.byteOffset, dataBytes / 4);
  // Clearing the top exponent bit keeps every value finite (no NaN/Inf a scanner could object to).
  for (let i = 0; i < words.length; i++) words[i] &= 0xbfffffff;
  return out;
}

/**
 * Writes the package zip to `path`: `config` as config.json, `card` as README.md and `weightBytes` of weights in
 * model.safetensors. Returns the zip's size.
 * @param {string} path
 * @param {{ card: string, config: object, weightBytes: number }} contents
 */
export async function writeCardPackage(path, { card, config, weightBytes }) {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(JSON.stringify(config, null, 2)), 'config.json', { mtime: FIXED_MTIME });
  zip.addBuffer(Buffer.from(card), 'README.md', { mtime: FIXED_MTIME });
  zip.addBuffer(safetensors(Math.floor(weightBytes / 4) * 4), 'model.safetensors', { mtime: FIXED_MTIME, compress: false });
  zip.end();
  const chunks = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  writeFileSync(path, bytes);
  return bytes.length;
}
