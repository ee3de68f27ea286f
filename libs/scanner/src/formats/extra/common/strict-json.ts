import { FormatError } from './findings';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface StrictJsonOptions {
  /** Maximum nesting of arrays/objects (hostile headers nest deeply to blow the stack). */
  maxDepth?: number;
  /** Called every few thousand tokens so large documents respect the scan budget. */
  onProgress?: () => void;
}

/**
 * A small RFC 8259 parser that, unlike JSON.parse, rejects duplicate object keys (two parsers reading the
 * same header differently is a classic smuggling trick: serde keeps one key, Python's json keeps the other)
 * and caps nesting depth. Objects are built without prototypes so `__proto__` keys stay plain data.
 */
export function parseStrictJson(text: string, options: StrictJsonOptions = {}): JsonValue {
  const maxDepth = options.maxDepth ?? 64;
  let pos = 0;
  let steps = 0;

  const fail = (msg: string): never => {
    throw new FormatError(`invalid JSON at character ${pos}: ${msg}`);
  };
  const skipWs = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
  };
  const tick = (): void => {
    if (++steps % 4096 === 0) options.onProgress?.();
  };

  const parseString = (): string => {
    // pos is at the opening quote
    pos++;
    let out = '';
    let chunkStart = pos;
    while (true) {
      if (pos >= text.length) fail('unterminated string');
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(chunkStart, pos);
        pos++;
        return out;
      }
      if (c < 0x20) fail('control character in string');
      if (c === 0x5c) {
        out += text.slice(chunkStart, pos);
        const e = text[pos + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          pos += 2;
        } else if (e === 'u') {
          const hex = text.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 6;
        } else {
          fail('bad escape');
        }
        chunkStart = pos;
        continue;
      }
      pos++;
    }
  };

  const parseValue = (depth: number): JsonValue => {
    tick();
    skipWs();
    if (pos >= text.length) fail('unexpected end');
    const c = text[pos];
    if (c === '{' || c === '[') {
      if (depth >= maxDepth) fail(`nesting deeper than ${maxDepth}`);
      return c === '{' ? parseObject(depth + 1) : parseArray(depth + 1);
    }
    if (c === '"') return parseString();
    if (text.startsWith('true', pos)) return (pos += 4), true;
    if (text.startsWith('false', pos)) return (pos += 5), false;
    if (text.startsWith('null', pos)) return (pos += 4), null;
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(pos, pos + 400));
    if (!m) return fail(`unexpected character ${JSON.stringify(c)}`);
    pos += m[0].length;
    return Number(m[0]);
  };

  const parseObject = (depth: number): JsonObject => {
    pos++;
    const obj = Object.create(null) as JsonObject;
    skipWs();
    if (text[pos] === '}') return pos++, obj;
    while (true) {
      tick();
      skipWs();
      if (text[pos] !== '"') fail('expected a string key');
      const key = parseString();
      if (Object.prototype.hasOwnProperty.call(obj, key)) fail(`duplicate key ${JSON.stringify(key.slice(0, 80))}`);
      skipWs();
      if (text[pos] !== ':') fail('expected ":"');
      pos++;
      obj[key] = parseValue(depth);
      skipWs();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === '}') return pos++, obj;
      fail('expected "," or "}"');
    }
  };

  const parseArray = (depth: number): JsonValue[] => {
    pos++;
    const arr: JsonValue[] = [];
    skipWs();
    if (text[pos] === ']') return pos++, arr;
    while (true) {
      arr.push(parseValue(depth));
      skipWs();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === ']') return pos++, arr;
      fail('expected "," or "]"');
    }
  };

  const value = parseValue(0);
  skipWs();
  if (pos !== text.length) fail('trailing data after the JSON value');
  return value;
}

export function isJsonObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Decodes UTF-8 strictly: invalid byte sequences are an error, not U+FFFD (another parser-differential). */
export function decodeUtf8Strict(buf: Buffer, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new FormatError(`${what} is not valid UTF-8`);
  }
}
