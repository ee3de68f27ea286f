/**
 * Decoders for protocol 0 text arguments. Hostile input only ever produces a string or `undefined` (caller
 * reports malformed), never an exception from deep inside.
 */

/** Body of a STRING opcode: a Python bytes repr in single or double quotes, with backslash escapes. */
export function decodeQuotedString(raw: Buffer): Buffer | undefined {
  if (raw.length < 2) return undefined;
  const q = raw[0];
  if ((q !== 0x27 && q !== 0x22) || raw[raw.length - 1] !== q) return undefined;
  const out: number[] = [];
  const end = raw.length - 1;
  for (let i = 1; i < end; i++) {
    const c = raw[i];
    if (c !== 0x5c) {
      out.push(c);
      continue;
    }
    const e = raw[++i];
    if (i >= end) return undefined;
    const simple: Record<number, number> = { 0x5c: 0x5c, 0x27: 0x27, 0x22: 0x22, 0x6e: 10, 0x74: 9, 0x72: 13, 0x61: 7, 0x62: 8, 0x66: 12, 0x76: 11 };
    if (simple[e] !== undefined) out.push(simple[e]);
    else if (e === 0x78) {
      const hex = raw.subarray(i + 1, i + 3).toString('latin1');
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (e >= 0x30 && e <= 0x37) {
      let j = i;
      let val = 0;
      while (j < end && j < i + 3 && raw[j] >= 0x30 && raw[j] <= 0x37) val = val * 8 + (raw[j++] - 0x30);
      out.push(val & 0xff);
      i = j - 1;
    } else if (e === 0x0a) {
      // line continuation
    } else {
      out.push(0x5c, e);
    }
  }
  return Buffer.from(out);
}

/** Body of a UNICODE opcode: raw-unicode-escape (only \uXXXX and \UXXXXXXXX are escapes, bytes are latin-1). */
export function decodeRawUnicodeEscape(raw: Buffer): string | undefined {
  let s = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === 0x5c && (raw[i + 1] === 0x75 || raw[i + 1] === 0x55)) {
      const n = raw[i + 1] === 0x75 ? 4 : 8;
      const hex = raw.subarray(i + 2, i + 2 + n).toString('latin1');
      if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) return undefined;
      s += String.fromCodePoint(cp);
      i += 1 + n;
    } else s += String.fromCharCode(c);
  }
  return s;
}

/** Decimal or `0x` int as written by INT/LONG (with an optional trailing L). Large values become undefined. */
export function parseTextInt(raw: string): { ok: boolean; v: number | undefined } {
  const t = raw.trim().replace(/L$/, '');
  if (t === '00') return { ok: true, v: 0 };
  if (t === '01') return { ok: true, v: 1 };
  if (!/^[+-]?(\d+|0x[0-9a-fA-F]+)$/.test(t)) return { ok: false, v: undefined };
  const n = Number(t);
  return { ok: true, v: Number.isSafeInteger(n) ? n : undefined };
}

/** Little-endian two's-complement integer of LONG1/LONG4 (undefined when it does not fit a safe integer). */
export function decodeLong(bytes: Buffer): number | undefined {
  if (bytes.length === 0) return 0;
  if (bytes.length > 7) return undefined;
  let v = 0;
  for (let i = bytes.length - 1; i >= 0; i--) v = v * 256 + bytes[i];
  if (bytes[bytes.length - 1] & 0x80) v -= 2 ** (8 * bytes.length);
  return v;
}
