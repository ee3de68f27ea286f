import type { Finding, FormatScanner, ScanContext, ScanInput } from '../../../core/types';
import { readExact } from '../common/bytes';
import { FormatError, budgetOf, finding, guardedScan } from '../common/findings';
import { decodeUtf8Strict, isJsonObject, parseStrictJson, type JsonValue } from '../common/strict-json';
import { dtypeBits } from './safetensors-dtypes';

/** Same cap as the reference implementation (`MAX_HEADER_SIZE`): anything bigger is a DoS attempt. */
export const SAFETENSORS_MAX_HEADER = 100_000_000;
const FORMAT = 'safetensors';

interface TensorSpan {
  name: string;
  begin: number;
  end: number;
}

/**
 * safetensors is "safe" only if the header is exactly what the Rust loader accepts; anything the loader would
 * reject, or bytes it would never read (gaps, trailing data), can hide a second payload (polyglot files).
 */
export const safetensorsScanner: FormatScanner = {
  name: 'safetensors',
  canHandle(head: Buffer, input: ScanInput): boolean {
    if (head.length < 10 || input.size < 10) return false;
    const n = head.readBigUInt64LE(0);
    if (head[8] !== 0x7b || n < 2n) return false;
    // A plausible length has zero high bytes; an absurd one is still claimed (and reported) unless the
    // first 8 bytes are printable text, i.e. a JSON document that merely has "{" at byte 8.
    return n < 1n << 40n || !/^[\x20-\x7e\t\r\n]{8}$/.test(head.toString('latin1', 0, 8));
  },
  scan(input: ScanInput, ctx: ScanContext): Promise<Finding[]> {
    return guardedScan(input, FORMAT, (sink) => scanSafetensors(input, ctx, sink));
  },
};

async function scanSafetensors(input: ScanInput, ctx: ScanContext, sink: Finding[]): Promise<void> {
  const budget = budgetOf(() => ctx.checkBudget());
  const lenBuf = await readExact(input, 0, 8, 'header length');
  const declared = lenBuf.readBigUInt64LE(0);
  if (declared > BigInt(SAFETENSORS_MAX_HEADER)) {
    sink.push(finding(input, 'safetensors.header-too-large', 'ERROR', `header length ${declared} exceeds the ${SAFETENSORS_MAX_HEADER}-byte cap`, { offset: 0 }));
    return;
  }
  const headerLen = Number(declared);
  if (8 + headerLen > input.size) {
    sink.push(finding(input, 'safetensors.header-out-of-bounds', 'ERROR', `header length ${headerLen} runs past the end of the ${input.size}-byte file`, { offset: 0 }));
    return;
  }
  const text = decodeUtf8Strict(await readExact(input, 8, headerLen, 'header'), 'header');
  if (!text.startsWith('{')) throw new FormatError('header does not start with "{"', 8);
  const header = parseStrictJson(text, { maxDepth: 16, onProgress: budget });
  if (!isJsonObject(header)) throw new FormatError('header is not a JSON object', 8);

  const dataStart = 8 + headerLen;
  const dataSize = input.size - dataStart;
  const spans: TensorSpan[] = [];
  for (const [name, entry] of Object.entries(header)) {
    budget();
    if (name === '__metadata__') {
      checkMetadata(input, entry, sink);
      continue;
    }
    const span = checkTensor(input, name, entry, dataSize, sink);
    if (span) spans.push(span);
  }
  checkLayout(input, spans, dataStart, dataSize, sink);
}

function checkMetadata(input: ScanInput, entry: JsonValue, sink: Finding[]): void {
  if (!isJsonObject(entry)) {
    sink.push(finding(input, 'safetensors.bad-metadata', 'ERROR', '__metadata__ must be an object of strings', { offset: 8 }));
    return;
  }
  for (const [k, v] of Object.entries(entry)) {
    if (typeof v !== 'string') {
      sink.push(finding(input, 'safetensors.bad-metadata', 'ERROR', `__metadata__.${k.slice(0, 80)} is a ${Array.isArray(v) ? 'array' : typeof v}, only strings are allowed`, { offset: 8 }));
    }
  }
}

function checkTensor(input: ScanInput, name: string, entry: JsonValue, dataSize: number, sink: Finding[]): TensorSpan | undefined {
  const label = JSON.stringify(name.slice(0, 120));
  const bad = (ruleId: string, message: string): undefined => {
    sink.push(finding(input, ruleId, 'ERROR', `tensor ${label}: ${message}`, { offset: 8, details: { tensor: name.slice(0, 200) } }));
    return undefined;
  };
  if (!isJsonObject(entry)) return bad('safetensors.bad-tensor-entry', 'entry is not an object');
  const extra = Object.keys(entry).filter((k) => k !== 'dtype' && k !== 'shape' && k !== 'data_offsets');
  if (extra.length > 0) return bad('safetensors.bad-tensor-entry', `unexpected fields ${extra.slice(0, 5).join(', ')}`);
  const { dtype, shape, data_offsets: offsets } = entry;
  if (typeof dtype !== 'string') return bad('safetensors.bad-tensor-entry', 'dtype missing');
  const bits = dtypeBits(dtype);
  if (bits === undefined) return bad('safetensors.unknown-dtype', `unknown dtype ${JSON.stringify(dtype.slice(0, 40))}`);
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    return bad('safetensors.bad-shape', 'shape must be an array of non-negative integers');
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)
  ) {
    return bad('safetensors.bad-offsets', 'data_offsets must be two non-negative integers');
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) return bad('safetensors.bad-offsets', `data_offsets [${begin}, ${end}] are reversed`);
  if (end > dataSize) {
    return bad('safetensors.offset-out-of-bounds', `data_offsets [${begin}, ${end}] run past the ${dataSize}-byte data buffer`);
  }
  // BigInt: a hostile shape like [2^40, 2^40] overflows doubles and could "match" by rounding.
  let bitsTotal = BigInt(bits);
  for (const d of shape as number[]) bitsTotal *= BigInt(d);
  if (bitsTotal % 8n !== 0n) return bad('safetensors.dtype-shape-mismatch', `${dtype} x ${JSON.stringify(shape)} is not a whole number of bytes`);
  const expected = bitsTotal / 8n;
  if (expected !== BigInt(end - begin)) {
    return bad('safetensors.dtype-shape-mismatch', `${dtype} x ${JSON.stringify(shape)} needs ${expected} bytes but data_offsets span ${end - begin}`);
  }
  return { name, begin, end };
}

function checkLayout(input: ScanInput, spans: TensorSpan[], dataStart: number, dataSize: number, sink: Finding[]): void {
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: TensorSpan | undefined;
  for (const s of spans) {
    if (s.begin < cursor && previous) {
      sink.push(finding(input, 'safetensors.overlap', 'ERROR', `tensors ${JSON.stringify(previous.name.slice(0, 80))} and ${JSON.stringify(s.name.slice(0, 80))} share bytes [${s.begin}, ${Math.min(cursor, s.end)})`, { offset: dataStart + s.begin }));
    } else if (s.begin > cursor) {
      sink.push(finding(input, 'safetensors.gap', 'ERROR', `${s.begin - cursor} unreferenced bytes before tensor ${JSON.stringify(s.name.slice(0, 80))} (data the loader never reads can hide a payload)`, { offset: dataStart + cursor }));
    }
    if (s.end > cursor) {
      cursor = s.end;
      previous = s;
    }
  }
  if (cursor < dataSize) {
    sink.push(finding(input, 'safetensors.trailing-bytes', 'ERROR', `${dataSize - cursor} bytes after the last tensor are not referenced by the header`, { offset: dataStart + cursor }));
  }
}
