import type { ScanInput } from '../../../core/types';
import { readExact } from '../common/bytes';
import { FormatError } from '../common/findings';
import { readUInt, type Superblock } from './hdf5-superblock';

export interface HeaderMessage {
  type: number;
  flags: number;
  data: Buffer;
  /** Absolute offset of the message body. */
  at: number;
}

export const MSG = { continuation: 0x10, attribute: 0x0c, attributeInfo: 0x15 } as const;
const MAX_BLOCK = 16 << 20;
const MAX_BLOCKS = 1024;
const MAX_MESSAGES = 1 << 16;

/**
 * Reads every message of one object header (version 1 or 2), following continuation blocks. Blocks are
 * bounded (16 MiB each, 1024 blocks) and each visited offset is remembered so a continuation loop ends.
 */
export async function readObjectHeader(input: ScanInput, sb: Superblock, at: number, budget: () => void): Promise<HeaderMessage[]> {
  const first = await readExact(input, at, Math.min(16 + 8 * 4, input.size - at), 'object header prefix');
  const messages: HeaderMessage[] = [];
  const pending: { start: number; length: number; v2: boolean; continuation: boolean }[] = [];
  let v2 = false;
  // Object header flag bit 2: every v2 message header carries a 2-byte creation-order field.
  let creationOrder = false;
  if (first.toString('latin1', 0, 4) === 'OHDR') {
    v2 = true;
    if (first.readUInt8(4) !== 2) throw new FormatError(`unsupported object header version ${first.readUInt8(4)}`, at);
    const flags = first.readUInt8(5);
    creationOrder = (flags & 0x04) !== 0;
    let p = 6;
    if (flags & 0x20) p += 16; // access/modification/change/birth times
    if (flags & 0x10) p += 4; // attribute phase-change values
    const sizeBytes = 1 << (flags & 0x03);
    const chunkSize = readUInt(first, p, sizeBytes, 'chunk #0 size');
    p += sizeBytes;
    pending.push({ start: at + p, length: chunkSize, v2, continuation: false });
  } else {
    if (first.readUInt8(0) !== 1) throw new FormatError(`unsupported object header version ${first.readUInt8(0)}`, at);
    const count = first.readUInt16LE(2);
    const size = first.readUInt32LE(8);
    if (count > MAX_MESSAGES) throw new FormatError(`object header claims ${count} messages`, at);
    pending.push({ start: at + 16, length: size, v2, continuation: false });
  }
  const visited = new Set<number>();
  let blocks = 0;
  for (let block = pending.shift(); block !== undefined; block = pending.shift()) {
    budget();
    if (visited.has(block.start)) throw new FormatError('object header continuation loop', block.start);
    visited.add(block.start);
    if (++blocks > MAX_BLOCKS) throw new FormatError(`more than ${MAX_BLOCKS} object header blocks`, block.start);
    if (block.length > MAX_BLOCK) throw new FormatError(`object header block of ${block.length} bytes`, block.start);
    const buf = await readExact(input, block.start, block.length, 'object header block');
    let p = 0;
    let end = buf.length;
    if (block.v2 && block.continuation) {
      if (buf.toString('latin1', 0, 4) !== 'OCHK') throw new FormatError('continuation block without OCHK signature', block.start);
      p = 4;
    }
    if (block.v2) end -= block.continuation ? 4 : 0; // trailing checksum of a continuation block
    const headerBytes = block.v2 ? 4 : 8;
    while (p + headerBytes <= end) {
      let type: number;
      let size: number;
      let flags: number;
      if (block.v2) {
        type = buf.readUInt8(p);
        size = buf.readUInt16LE(p + 1);
        flags = buf.readUInt8(p + 3);
        p += 4 + (creationOrder ? 2 : 0);
      } else {
        type = buf.readUInt16LE(p);
        size = buf.readUInt16LE(p + 2);
        flags = buf.readUInt8(p + 4);
        p += 8;
      }
      if (p + size > end) throw new FormatError(`header message of ${size} bytes overruns its block`, block.start + p);
      const data = buf.subarray(p, p + size);
      if (messages.length >= MAX_MESSAGES) throw new FormatError('too many object header messages', block.start + p);
      messages.push({ type, flags, data, at: block.start + p });
      if (type === MSG.continuation) {
        const off = readUInt(data, 0, sb.offsetSize, 'continuation offset');
        const len = readUInt(data, sb.offsetSize, sb.lengthSize, 'continuation length');
        if (off < 0) throw new FormatError('continuation to an undefined address', block.start + p);
        pending.push({ start: sb.base + off, length: len, v2: block.v2, continuation: true });
      }
      p += size;
      // Version 1 messages are padded to 8-byte multiples (sizes already include it); v2 packs them.
      if (!block.v2 && size % 8 !== 0) p += 8 - (size % 8);
    }
  }
  return messages;
}
