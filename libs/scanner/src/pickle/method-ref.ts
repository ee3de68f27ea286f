import type { Value } from './values';

/**
 * CPython 3.4+ pickles a method bound to a class (`ZoneInfo._unpickle`, the reducer of every zoneinfo datetime)
 * as `getattr(<class>, '<name>')` (Objects/classobject.c method_reduce): real benign files import
 * `builtins.getattr`. We accept exactly that shape when `<class>.<name>` is itself a reviewed allowed callable;
 * any other use of getattr (another target, a computed name, getattr passed around as a value) stays dangerous.
 */
export function isGetattr(v: Value | undefined): boolean {
  return v?.k === 'global' && (v.module === 'builtins' || v.module === '__builtin__') && v.name === 'getattr';
}

/** `getattr(<global>, '<name>')` as `{ module, name: 'Class.name' }`, or undefined for any other shape. */
export function methodRefOf(fn: Value, args: Value): { module: string; name: string } | undefined {
  if (!isGetattr(fn) || args.k !== 'tuple' || args.items.length !== 2) return undefined;
  const [target, attr] = args.items;
  if (target.k !== 'global' || attr.k !== 'str' || attr.truncated) return undefined;
  return { module: target.module, name: `${target.name}.${attr.v}` };
}

/** Whether getattr itself is passed as a value (an argument or state): whoever receives it may call it. */
export function passesGetattr(v: Value | undefined, depth = 0): boolean {
  if (!v || depth > 3) return false;
  if (isGetattr(v)) return true;
  if (v.k === 'tuple' || v.k === 'list' || v.k === 'set') return v.items.some((i) => passesGetattr(i, depth + 1));
  if (v.k === 'dict') return v.kv.some((x) => passesGetattr(x, depth + 1));
  return false;
}
