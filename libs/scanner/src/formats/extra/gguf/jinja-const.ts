/**
 * Constant folding over the @huggingface/jinja expression tree: what string (or list of strings) an expression
 * evaluates to when it is built only from literals and variables set from literals. This is how an attribute
 * name built at render time (`'_' ~ '_' ~ 'class' ~ '_' * 2`, `['__cla','ss__']|join`, `'%c'|format(95)`,
 * `'{0}{0}'.format('_')`, `'__ssalc__'|reverse`) is recovered from the tree instead of matched as words.
 */
export type JNode = { type: string } & Record<string, unknown>;
export type Const = string | number | Const[] | undefined;

/** Keeps folding cheap on hostile templates (`'_' * 10**9`). */
const MAX_LEN = 10_000;

export function isNode(v: unknown): v is JNode {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

const cap = (s: string): string | undefined => (s.length <= MAX_LEN ? s : undefined);

/** Python's `%` / `|format` for the conversions templates use (%s %d %c %r); anything else is unknown. */
function percent(fmt: string, args: Const[]): string | undefined {
  let i = 0;
  let bad = false;
  const out = fmt.replace(/%([sdrc%])/g, (_m, c: string) => {
    if (c === '%') return '%';
    const a = args[i++];
    if (a === undefined) bad = true;
    if (c === 'c') return typeof a === 'number' ? String.fromCharCode(a) : typeof a === 'string' ? a : ((bad = true), '');
    return String(a);
  });
  return bad ? undefined : cap(out);
}

/** str.format with positional fields ({} {0}); attribute/index fields are left to the caller's check. */
function braceFormat(fmt: string, args: Const[]): string | undefined {
  let auto = 0;
  let bad = false;
  const out = fmt.replace(/\{(\d*)\}/g, (_m, n: string) => {
    const a = args[n === '' ? auto++ : Number(n)];
    if (a === undefined || Array.isArray(a)) bad = true;
    return String(a);
  });
  return bad ? undefined : cap(out);
}

function strMethod(recv: string, name: string, args: Const[]): Const {
  const s = (i: number) => (typeof args[i] === 'string' ? (args[i] as string) : undefined);
  switch (name) {
    case 'format': return braceFormat(recv, args);
    case 'replace': return s(0) !== undefined && s(1) !== undefined ? cap(recv.split(s(0) as string).join(s(1) as string)) : undefined;
    case 'join': return Array.isArray(args[0]) ? cap(args[0].map(String).join(recv)) : undefined;
    case 'upper': return recv.toUpperCase();
    case 'lower': return recv.toLowerCase();
    case 'strip': case 'trim': return recv.trim();
    case 'lstrip': return recv.trimStart();
    case 'rstrip': return recv.trimEnd();
    case 'title': case 'capitalize': return recv;
    default: return undefined;
  }
}

function filter(value: Const, name: string, args: Const[]): Const {
  switch (name) {
    case 'join': return Array.isArray(value) ? cap(value.map(String).join(typeof args[0] === 'string' ? args[0] : '')) : undefined;
    case 'reverse': return typeof value === 'string' ? [...value].reverse().join('') : Array.isArray(value) ? [...value].reverse() : undefined;
    case 'string': return Array.isArray(value) || value === undefined ? undefined : String(value);
    case 'list': return typeof value === 'string' ? [...value] : value;
    case 'first': return typeof value === 'string' || Array.isArray(value) ? value[0] : undefined;
    case 'last': return typeof value === 'string' || Array.isArray(value) ? value[value.length - 1] : undefined;
    case 'format': return typeof value === 'string' ? percent(value, args) : undefined;
    default: return typeof value === 'string' ? strMethod(value, name, args) : undefined;
  }
}

export class ConstFolder {
  /** Template variables set (`{% set %}`) only ever to one constant; `undefined` once set to anything else. */
  readonly vars = new Map<string, Const>();

  fold(n: unknown): Const {
    if (!isNode(n)) return undefined;
    switch (n.type) {
      case 'StringLiteral': return n.value as string;
      case 'IntegerLiteral': case 'FloatLiteral': return n.value as number;
      case 'Identifier': return this.vars.get(n.value as string);
      case 'ArrayLiteral': case 'TupleLiteral': {
        const items = (n.value as unknown[]).map((x) => this.fold(x));
        return items.every((x) => x !== undefined) ? items : undefined;
      }
      case 'BinaryExpression': return this.binary((n.operator as { value: string }).value, this.fold(n.left), this.fold(n.right));
      case 'FilterExpression': {
        const f = n.filter as JNode;
        const name = f.type === 'Identifier' ? (f.value as string) : ((f.callee as JNode | undefined)?.value as string | undefined);
        const args = f.type === 'CallExpression' ? (f.args as unknown[]).map((a) => this.fold(a)) : [];
        return name === undefined ? undefined : filter(this.fold(n.operand), name, args);
      }
      case 'CallExpression': {
        const callee = n.callee as JNode;
        if (callee.type !== 'MemberExpression' || callee.computed) return undefined;
        const recv = this.fold(callee.object);
        const name = (callee.property as JNode).value as string;
        return typeof recv === 'string' ? strMethod(recv, name, (n.args as unknown[]).map((a) => this.fold(a))) : undefined;
      }
      case 'MemberExpression': {
        const obj = this.fold(n.object);
        const prop = n.property as JNode;
        if (prop.type === 'SliceExpression' && (typeof obj === 'string' || Array.isArray(obj))) {
          const [a, b, c] = [this.fold(prop.start), this.fold(prop.stop), this.fold(prop.step)];
          return slice(obj, a, b, c);
        }
        const key = n.computed ? this.fold(prop) : undefined;
        if (typeof key === 'number' && (typeof obj === 'string' || Array.isArray(obj))) return obj.at(key);
        return undefined;
      }
      case 'Ternary': {
        const [a, b] = [this.fold(n.trueExpr), this.fold(n.falseExpr)];
        return a === b ? a : undefined;
      }
      default: return undefined;
    }
  }

  private binary(op: string, l: Const, r: Const): Const {
    if (l === undefined || r === undefined) return undefined;
    if (op === '~') return cap(String(l) + String(r));
    if (op === '+' && typeof l === 'string' && typeof r === 'string') return cap(l + r);
    if (op === '+' && Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
    if (op === '*' && typeof l === 'string' && typeof r === 'number') return r * l.length <= MAX_LEN ? l.repeat(Math.max(0, r)) : undefined;
    if (op === '*' && typeof r === 'string' && typeof l === 'number') return l * r.length <= MAX_LEN ? r.repeat(Math.max(0, l)) : undefined;
    if (op === '%' && typeof l === 'string') return percent(l, Array.isArray(r) ? r : [r]);
    if (typeof l === 'number' && typeof r === 'number') return op === '+' ? l + r : op === '-' ? l - r : op === '*' ? l * r : undefined;
    return undefined;
  }
}

function slice(v: string | Const[], a: Const, b: Const, c: Const): Const {
  if ([a, b, c].some((x) => x !== undefined && typeof x !== 'number')) return undefined;
  const arr = typeof v === 'string' ? [...v] : v;
  const step = (c as number | undefined) ?? 1;
  if (step === 0) return undefined;
  const n = arr.length;
  const norm = (x: number | undefined, d: number) => (x === undefined ? d : x < 0 ? Math.max(x + n, step < 0 ? -1 : 0) : Math.min(x, step < 0 ? n - 1 : n));
  const out: Const[] = [];
  const start = norm(a as number | undefined, step > 0 ? 0 : n - 1);
  const stop = norm(b as number | undefined, step > 0 ? n : -1);
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(arr[i]);
  return typeof v === 'string' ? out.join('') : out;
}
