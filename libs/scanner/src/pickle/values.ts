/**
 * Symbolic values of the pickle simulator. Nothing is ever imported or executed: a global is just its name,
 * a call is the callee plus its (symbolic) arguments. Containers keep a bounded number of items so a
 * hostile or merely huge pickle cannot blow up memory; analysis happens when values are created, so dropping
 * items later loses no finding.
 */
export type Value =
  | { k: 'global'; module: string; name: string }
  | { k: 'str'; v: string; truncated?: boolean }
  /** `off`/`len` locate the raw bytes in the scanned input (for nested scans); `data` is a small copy when decoded. */
  | { k: 'bytes'; off: number; len: number; data?: Buffer }
  | { k: 'int'; v: number | undefined }
  | { k: 'float' }
  | { k: 'none' }
  | { k: 'bool'; v: boolean }
  | { k: 'tuple'; items: Value[]; truncated?: boolean }
  | { k: 'list'; items: Value[]; truncated?: boolean }
  /** Keys and values alternate in `kv` (one array per dict, not a pair array per entry: millions of dicts). */
  | { k: 'dict'; kv: Value[]; truncated?: boolean }
  | { k: 'set'; items: Value[]; truncated?: boolean }
  | { k: 'call'; fn: Value; args: Value; kwargs?: Value; state?: Value; op: string }
  | { k: 'ext'; code: number }
  | { k: 'persid'; pid: Value }
  | { k: 'buffer' }
  | { k: 'unknown'; why: string };

export const NONE: Value = { k: 'none' };
export const FLOAT: Value = { k: 'float' };
export const TRUE: Value = { k: 'bool', v: true };
export const FALSE: Value = { k: 'bool', v: false };
export const BUFFER: Value = { k: 'buffer' };

/** Items kept per container. */
export const CONTAINER_CAP = 256;

/** Short human description for messages (never the full content). */
export function describe(v: Value, depth = 0): string {
  if (depth > 3) return '…';
  switch (v.k) {
    case 'global':
      return `${v.module}.${v.name}`;
    case 'str':
      return JSON.stringify(v.v.length > 60 ? `${v.v.slice(0, 60)}…` : v.v);
    case 'bytes':
      return `<${v.len} bytes>`;
    case 'int':
      return v.v === undefined ? '<int>' : String(v.v);
    case 'float':
      return '<float>';
    case 'none':
      return 'None';
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'tuple':
    case 'list':
    case 'set': {
      const inner = v.items.slice(0, 4).map((i) => describe(i, depth + 1));
      if (v.items.length > 4 || v.truncated) inner.push('…');
      return v.k === 'list' ? `[${inner.join(', ')}]` : v.k === 'set' ? `{${inner.join(', ')}}` : `(${inner.join(', ')})`;
    }
    case 'dict':
      return `{${v.kv.length >> 1} items}`;
    case 'call':
      return `${describe(v.fn, depth + 1)}${describe(v.args, depth + 1)}`;
    case 'ext':
      return `<extension ${v.code}>`;
    case 'persid':
      return `<persistent ${describe(v.pid, depth + 1)}>`;
    case 'buffer':
      return '<out-of-band buffer>';
    case 'unknown':
      return `<unknown: ${v.why}>`;
  }
}

export function isGlobal(v: Value, module: string, name: string): boolean {
  return v.k === 'global' && v.module === module && v.name === name;
}

export function dictGet(v: Value | undefined, key: string): Value | undefined {
  if (!v || v.k !== 'dict') return undefined;
  const kv = v.kv;
  for (let i = 0; i + 1 < kv.length; i += 2) {
    const k = kv[i];
    if (k.k === 'str' && k.v === key) return kv[i + 1];
  }
  return undefined;
}
