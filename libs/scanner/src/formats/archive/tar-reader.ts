import type { ScanInput } from '../../core/types';

export interface TarEntry {
  name: string;
  /** '0' file, '1' hardlink, '2' symlink, '3'/'4' devices, '5' dir, '6' fifo, … */
  type: string;
  linkName: string;
  size: number;
  dataOffset: number;
  headerOffset: number;
}

export class TarFormatError extends Error {}

const BLOCK = 512;

/** True when `block` is a tar header with a valid checksum (works for v7, ustar and GNU headers). */
export function isTarHeader(block: Buffer): boolean {
  if (block.length < BLOCK) return false;
  const stored = parseOctal(block.subarray(148, 156));
  if (stored === undefined) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum === stored && block[0] !== 0;
}

/**
 * Walks tar headers without reading member data (ustar, GNU long names, pax path/size records). Only
 * headers are read, so a multi-GB tar costs one 512-byte read per member.
 */
export async function* readTarEntries(input: ScanInput, maxEntries: number): AsyncGenerator<TarEntry> {
  let off = 0;
  let count = 0;
  let longName: string | undefined;
  let pax: Record<string, string> = {};
  while (off + BLOCK <= input.size) {
    const h = await input.read(off, BLOCK);
    if (h.length < BLOCK) throw new TarFormatError('truncated header');
    if (h.every((b) => b === 0)) return;
    if (!isTarHeader(h)) throw new TarFormatError(`bad header checksum at offset ${off}`);
    if (++count > maxEntries) throw new TarFormatError(`more than ${maxEntries} entries`);
    const type = h[156] === 0 ? '0' : String.fromCharCode(h[156]);
    const size = parseSize(h.subarray(124, 136));
    if (size === undefined || size < 0) throw new TarFormatError(`bad size field at offset ${off}`);
    const dataOffset = off + BLOCK;
    if (dataOffset + size > input.size) throw new TarFormatError(`member at offset ${off} runs past the end`);
    const next = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L' || type === 'x' || type === 'g') {
      if (size > 1 << 20) throw new TarFormatError('oversized long-name/pax record');
      const body = (await input.read(dataOffset, size)).toString('utf8');
      if (type === 'L') longName = body.replace(/\0+$/, '');
      else if (type === 'x') pax = parsePax(body);
      off = next;
      continue;
    }
    const prefix = h[345] && h.subarray(257, 262).toString('latin1') === 'ustar' ? cstr(h.subarray(345, 500)) : '';
    const baseName = cstr(h.subarray(0, 100));
    const name = pax.path ?? longName ?? (prefix ? `${prefix}/${baseName}` : baseName);
    const realSize = pax.size !== undefined && /^\d+$/.test(pax.size) ? Number(pax.size) : size;
    yield { name, type, linkName: pax.linkpath ?? cstr(h.subarray(157, 257)), size: realSize, dataOffset, headerOffset: off };
    off = pax.size !== undefined ? dataOffset + Math.ceil(realSize / BLOCK) * BLOCK : next;
    longName = undefined;
    pax = {};
  }
}

function cstr(b: Buffer): string {
  const z = b.indexOf(0);
  return (z === -1 ? b : b.subarray(0, z)).toString('utf8');
}

function parseOctal(b: Buffer): number | undefined {
  const s = b.toString('latin1').replace(/\0.*$/, '').trim();
  if (!/^[0-7]*$/.test(s)) return undefined;
  return s === '' ? 0 : parseInt(s, 8);
}

function parseSize(b: Buffer): number | undefined {
  if (b[0] & 0x80) {
    // GNU base-256 encoding for sizes >= 8 GiB.
    let v = 0;
    for (let i = 1; i < b.length; i++) v = v * 256 + b[i];
    return Number.isSafeInteger(v) ? v : undefined;
  }
  return parseOctal(b);
}

function parsePax(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rec of body.split('\n')) {
    const m = /^\d+ ([^=]+)=(.*)$/.exec(rec);
    if (m) out[m[1]] = m[2];
  }
  return out;
}
