import type { ScanInput } from '../core/types';
import { decodeLong } from './string-decode';
import type { Value } from './values';

/**
 * Rebuilds a memoized string/bytes/long from the binary opcode that produced it (the memo stores only that
 * opcode's offset, see vm-memo.ts). The bytes were validated when first parsed, so anything unexpected here
 * means the input changed under us and yields `unknown` (fail closed), never an exception.
 */
export async function rereadValue(input: ScanInput, at: number, maxInline: number): Promise<Value> {
  const head = await input.read(at, 9);
  if (head.length < 2) return gone(at);
  const op = head[0];
  const width = op === 0x8c || op === 0x55 || op === 0x43 || op === 0x8a ? 1 : op === 0x58 || op === 0x54 || op === 0x42 || op === 0x8b ? 4 : op === 0x8d || op === 0x8e || op === 0x96 ? 8 : 0;
  if (width === 0 || head.length < 1 + width) return gone(at);
  const n = width === 1 ? head[1] : width === 4 ? (op === 0x8b || op === 0x54 ? head.readInt32LE(1) : head.readUInt32LE(1)) : Number(head.readBigUInt64LE(1));
  const off = at + 1 + width;
  if (!Number.isSafeInteger(n) || n < 0 || off + n > input.size) return gone(at);
  const isText = op === 0x8c || op === 0x58 || op === 0x8d || op === 0x55 || op === 0x54;
  const isLong = op === 0x8a || op === 0x8b;
  if (!isText && !isLong) return { k: 'bytes', off, len: n };
  if (n > maxInline) return isLong ? { k: 'int', v: undefined } : { k: 'bytes', off, len: n };
  const data = await input.read(off, n);
  if (data.length !== n) return gone(at);
  if (isLong) return { k: 'int', v: decodeLong(data) };
  return { k: 'str', v: data.toString(op === 0x55 || op === 0x54 ? 'latin1' : 'utf8') };
}

/** Re-read values by opcode offset: a pickle that keeps fetching the same old names reads each once. */
export class RereadCache {
  private readonly cache = new Map<number, Value>();

  constructor(
    private readonly input: ScanInput,
    private readonly maxInline: number,
  ) {}

  get(at: number): Value | Promise<Value> {
    const hit = this.cache.get(at);
    if (hit !== undefined) return hit;
    if (this.cache.size >= 4096) this.cache.clear();
    return rereadValue(this.input, at, this.maxInline).then((v) => {
      this.cache.set(at, v);
      return v;
    });
  }
}

function gone(at: number): Value {
  return { k: 'unknown', why: `memoized value at ${at} could not be re-read` };
}
