import { ByteReader, TruncatedError } from '../io/byte-reader';
import { decodeQuotedString, decodeRawUnicodeEscape, parseTextInt } from './string-decode';
import { OpArgs } from './vm-args';
import { skipJoblibArray } from './joblib-array';
import { BUFFER, FALSE, FLOAT, NONE, TRUE, type Value } from './values';
import { addItems, itemsOf, pairsOf, setItems, smallInt } from './vm-containers';
import { Memo } from './vm-memo';
import { RereadCache } from './vm-reread';
import { memoJumpOf } from './resource-guard';

export { EmptyPickleError, OpcodeBudgetError, PickleError } from './pickle-errors';
import { EmptyPickleError, OpcodeBudgetError, PickleError } from './pickle-errors';

export type { OpAt, VmHooks, VmLimits } from './vm-hooks';
import type { VmHooks, VmLimits } from './vm-hooks';

const WINDOW = 512;
const MARK = Symbol('mark');
type Slot = Value | typeof MARK;

/**
 * Runs one pickle (PROTO … STOP) from `reader.pos` symbolically and returns when STOP is reached. Throws
 * PickleError on malformed input. Implements every opcode of protocols 0-5. Returns the unpickled (symbolic) value.
 */
export async function runPickle(reader: ByteReader, hooks: VmHooks, limits: VmLimits): Promise<Value> {
  const stack: Slot[] = [];
  // Stack indices of the MARK slots, so finding the last mark is O(1) instead of a scan per SETITEMS/APPENDS.
  const marks: number[] = [];
  const memo = new Memo();
  const rereads = new RereadCache(reader.input, limits.maxInlineString);
  // The last value produced directly by a binary string/bytes/long opcode, and that opcode's offset: when it is
  // memoized next, the memo can keep the offset instead of the value.
  let srcValue: Value | undefined;
  let srcAt = -1;
  let ops = 0;
  /** PROTO and FRAME opcodes seen: a stream of nothing else before STOP holds no value at all. */
  let framing = 0;
  let frameEnd = -1;
  const pop = (at: number): Value => {
    const v = stack.pop();
    if (v === undefined || v === MARK) throw new PickleError('stack underflow', at); // fatal: the stack is dropped
    return v;
  };
  // pop() is inlined by V8 while assigning `length` is a runtime call: this runs for every SETITEMS/APPENDS.
  const truncate = (height: number): void => {
    while (stack.length > height) stack.pop();
  };
  /** Index of the last MARK slot; the items above it are `stack[mark + 1..]` (callers truncate after use). */
  const lastMark = (at: number): number => {
    const i = marks.pop();
    if (i === undefined) throw new PickleError('MARK expected but not found', at);
    return i;
  };
  const popMark = (at: number): Value[] => {
    const i = lastMark(at);
    const items = stack.slice(i + 1) as Value[];
    truncate(i);
    return items;
  };
  /** Pops the MARK and the items above it into a (capped) container of `kind`. */
  const collect = (at: number, kind: 'tuple' | 'list' | 'set'): Value => {
    const i = lastMark(at);
    const { items, truncated } = itemsOf(stack, i + 1, stack.length);
    truncate(i);
    return { k: kind, items, truncated };
  };
  /** Checks that the top `count` slots are values (no MARK among them); returns the stack height. */
  const values = (count: number, at: number): number => {
    const n = stack.length;
    if (n < count) throw new PickleError('stack underflow', at);
    for (let i = n - count; i < n; i++) if (stack[i] === MARK) throw new PickleError('stack underflow', at);
    return n;
  };
  const top = (at: number): Value => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) throw new PickleError('empty stack', at);
    return v;
  };
  const put = (idx: number | undefined, at: number): void => {
    if (idx === undefined || !(idx >= 0 && idx <= 0xffffffff)) throw new PickleError('bad memo index', at);
    const jump = memoJumpOf(idx, memo.count);
    if (jump) hooks.onExhaustion(jump, { offset: at, index: ops - 1 });
    const v = top(at);
    if (!memo.put(idx, v, v === srcValue ? srcAt : -1, limits.maxMemo)) {
      throw new OpcodeBudgetError(`memo exceeds ${limits.maxMemo} entries`, at);
    }
  };
  /**
   * Synchronous unless the entry has to be re-read from the input: then undefined, with the offset to re-read in
   * `pendingSource` (see reget). No promise, and no `instanceof Promise` on a Value of any shape, per GET.
   */
  let pendingSource = -1;
  const get = (idx: number | undefined, at: number): Value | undefined => {
    const ok = idx !== undefined && idx >= 0 && idx <= 0xffffffff;
    const v = ok ? memo.get(idx) : undefined;
    if (v !== undefined) return v;
    const source = ok ? memo.sourceOf(idx) : -1;
    // A missing key is what crashed other scanners after the payload ran: report it, keep going.
    if (source < 0) {
      hooks.onMemoMiss(ok ? idx : undefined, { offset: at, index: ops - 1 });
      return { k: 'unknown', why: `memo[${idx}] missing (at ${at})` };
    }
    pendingSource = source;
    return undefined;
  };
  const reget = async (): Promise<Value> => {
    const source = pendingSource;
    const r = rereads.get(source);
    return remember(r instanceof Promise ? await r : r, source);
  };
  const remember = (v: Value, source: number): Value => {
    srcValue = v;
    srcAt = source;
    return v;
  };
  /** Pushes a value read by a binary opcode at `at` (see srcValue). */
  const pushSrc = (v: Value, at: number): void => {
    srcValue = v;
    srcAt = at;
    stack.push(v);
  };
  const a = new OpArgs(reader, limits.maxInlineString);

  for (;;) {
    if (!reader.has(WINDOW)) await reader.fill(WINDOW);
    const offset = reader.pos;
    if (!reader.has(1)) throw new PickleError('pickle ends without STOP', offset);
    if (frameEnd >= 0) {
      if (offset === frameEnd) frameEnd = -1;
      else if (offset > frameEnd) {
        hooks.onFrameMismatch({ offset, index: ops });
        frameEnd = -1;
      }
    }
    if (++ops > limits.maxOpcodes) throw new OpcodeBudgetError(`more than ${limits.maxOpcodes} opcodes`, offset);
    if ((ops & 0xffff) === 0) hooks.checkBudget();
    const op = reader.u8();
    switch (op) {
      case 0x80: { // PROTO
        const proto = a.u8(offset);
        if (proto > 5) throw new PickleError(`unsupported protocol ${proto}`, offset);
        framing++;
        break;
      }
      case 0x95: { // FRAME
        const len = a.u64(offset);
        if (len > reader.remaining) throw new PickleError('FRAME longer than the remaining input', offset);
        frameEnd = reader.pos + len;
        framing++;
        break;
      }
      case 0x2e: // STOP
        if (ops - 1 === framing) throw new EmptyPickleError('the pickle holds no opcode between PROTO and STOP', offset);
        if (stack.length !== 1 || stack[0] === MARK) throw new PickleError('STOP with a stack that is not one value', offset);
        return stack[0];
      case 0x28: marks.push(stack.length); stack.push(MARK); break; // MARK
      case 0x30: pop(offset); break; // POP
      case 0x31: popMark(offset); break; // POP_MARK
      case 0x32: stack.push(top(offset)); break; // DUP
      case 0x4e: stack.push(NONE); break; // NONE
      case 0x88: stack.push(TRUE); break; // NEWTRUE
      case 0x89: stack.push(FALSE); break; // NEWFALSE
      case 0x46: await a.line(offset); stack.push(FLOAT); break; // FLOAT
      case 0x47: a.need(8, offset); reader.skip(8); stack.push(FLOAT); break; // BINFLOAT
      case 0x49: case 0x4c: { // INT, LONG
        const r = parseTextInt(await a.line(offset));
        if (!r.ok) throw new PickleError('invalid integer literal', offset);
        stack.push({ k: 'int', v: r.v });
        break;
      }
      case 0x4a: stack.push(smallInt(a.i32(offset))); break; // BININT
      case 0x4b: stack.push(smallInt(a.u8(offset))); break; // BININT1
      case 0x4d: stack.push(smallInt(a.u16(offset))); break; // BININT2
      case 0x8a: { const t = a.text(a.u8(offset), offset, 'long'); pushSrc(t instanceof Promise ? await t : t, offset); break; } // LONG1
      case 0x8b: { const t = a.text(a.i32(offset), offset, 'long'); pushSrc(t instanceof Promise ? await t : t, offset); break; } // LONG4
      case 0x53: { // STRING
        const b = decodeQuotedString(Buffer.from(await a.line(offset), 'latin1'));
        if (!b) throw new PickleError('invalid STRING literal', offset);
        stack.push({ k: 'str', v: b.toString('latin1') });
        break;
      }
      case 0x54: { const t = a.text(a.i32(offset), offset, 'latin1'); pushSrc(t instanceof Promise ? await t : t, offset); break; } // BINSTRING
      case 0x55: { const t = a.text(a.u8(offset), offset, 'latin1'); pushSrc(t instanceof Promise ? await t : t, offset); break; } // SHORT_BINSTRING
      case 0x56: { // UNICODE
        const s = decodeRawUnicodeEscape(Buffer.from(await a.line(offset), 'latin1'));
        if (s === undefined) throw new PickleError('invalid UNICODE literal', offset);
        stack.push({ k: 'str', v: s });
        break;
      }
      case 0x58: { const t = a.text(a.u32(offset), offset, 'utf8'); pushSrc(t instanceof Promise ? await t : t, offset); break; } // BINUNICODE
      case 0x8c: { const t = a.text(a.u8(offset), offset, 'utf8'); pushSrc(t instanceof Promise ? await t : t, offset); break; } // SHORT_BINUNICODE
      case 0x8d: { const t = a.text(a.u64(offset), offset, 'utf8'); pushSrc(t instanceof Promise ? await t : t, offset); break; } // BINUNICODE8
      case 0x42: case 0x43: case 0x8e: case 0x96: { // BINBYTES, SHORT_BINBYTES, BINBYTES8, BYTEARRAY8
        const n = op === 0x43 ? a.u8(offset) : op === 0x42 ? a.u32(offset) : a.u64(offset);
        if (n < 0 || n > reader.remaining) throw new PickleError(`bytes length ${n} runs past the end of the input`, offset);
        const off = reader.pos;
        reader.skip(n);
        pushSrc({ k: 'bytes', off, len: n }, offset);
        break;
      }
      case 0x97: stack.push(BUFFER); break; // NEXT_BUFFER
      case 0x98: top(offset); break; // READONLY_BUFFER
      case 0x29: stack.push({ k: 'tuple', items: [] }); break; // EMPTY_TUPLE
      case 0x5d: stack.push({ k: 'list', items: [] }); break; // EMPTY_LIST
      case 0x7d: stack.push({ k: 'dict', kv: [] }); break; // EMPTY_DICT
      case 0x8f: stack.push({ k: 'set', items: [] }); break; // EMPTY_SET
      case 0x85: stack.push({ k: 'tuple', items: [pop(offset)] }); break; // TUPLE1
      case 0x86: { const b = pop(offset); stack.push({ k: 'tuple', items: [pop(offset), b] }); break; } // TUPLE2
      case 0x87: { const c = pop(offset); const b = pop(offset); stack.push({ k: 'tuple', items: [pop(offset), b, c] }); break; } // TUPLE3
      case 0x74: stack.push(collect(offset, 'tuple')); break; // TUPLE
      case 0x6c: stack.push(collect(offset, 'list')); break; // LIST
      case 0x91: stack.push(collect(offset, 'set')); break; // FROZENSET
      case 0x64: { // DICT
        const i = lastMark(offset);
        const kv = pairsOf(stack, i + 1, stack.length, offset);
        truncate(i);
        stack.push({ k: 'dict', kv });
        break;
      }
      case 0x61: { // APPEND
        const n = values(2, offset);
        addItems(stack[n - 2] as Value, stack, n - 1, n, offset);
        truncate(n - 1);
        break;
      }
      case 0x73: { // SETITEM
        const n = values(3, offset);
        setItems(stack[n - 3] as Value, stack, n - 2, n, offset);
        truncate(n - 2);
        break;
      }
      case 0x65: case 0x90: case 0x75: { // APPENDS, ADDITEMS, SETITEMS
        const i = lastMark(offset);
        const target = stack[i - 1];
        if (target === undefined || target === MARK) throw new PickleError('empty stack', offset);
        if (op === 0x75) setItems(target, stack, i + 1, stack.length, offset);
        else addItems(target, stack, i + 1, stack.length, offset);
        truncate(i);
        break;
      }
      case 0x67: case 0x68: case 0x6a: { // GET, BINGET, LONG_BINGET
        const g = get(op === 0x68 ? a.u8(offset) : op === 0x6a ? a.u32(offset) : parseTextInt(await a.line(offset)).v, offset);
        stack.push(g !== undefined ? g : await reget());
        break;
      }
      case 0x70: put(parseTextInt(await a.line(offset)).v, offset); break; // PUT
      case 0x71: put(a.u8(offset), offset); break; // BINPUT
      case 0x72: put(a.u32(offset), offset); break; // LONG_BINPUT
      case 0x94: put(memo.count, offset); break; // MEMOIZE
      case 0x63: case 0x69: { // GLOBAL, INST
        const module = await a.line(offset);
        const name = await a.line(offset);
        hooks.onImport(module, name, op === 0x63 ? 'GLOBAL' : 'INST', { offset, index: ops - 1 });
        const g: Value = { k: 'global', module, name };
        if (op === 0x63) stack.push(g);
        else {
          const args = popMark(offset);
          hooks.onCall(g, { k: 'tuple', items: args }, undefined, 'INST', { offset, index: ops - 1 });
          stack.push({ k: 'call', fn: g, args: { k: 'tuple', items: args }, op: 'INST' });
        }
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop(offset);
        const module = pop(offset);
        if (module.k === 'str' && name.k === 'str' && !module.truncated && !name.truncated) {
          hooks.onImport(module.v, name.v, 'STACK_GLOBAL', { offset, index: ops - 1 });
          stack.push({ k: 'global', module: module.v, name: name.v });
        } else {
          hooks.onUnresolvedGlobal(module, name, { offset, index: ops - 1 });
          stack.push({ k: 'unknown', why: 'unresolved STACK_GLOBAL' });
        }
        break;
      }
      case 0x82: case 0x83: case 0x84: { // EXT1, EXT2, EXT4
        const code = op === 0x82 ? a.u8(offset) : op === 0x83 ? a.u16(offset) : a.i32(offset);
        hooks.onExtension(code, { offset, index: ops - 1 });
        stack.push({ k: 'ext', code });
        break;
      }
      case 0x50: stack.push({ k: 'persid', pid: { k: 'str', v: await a.line(offset) } }); break; // PERSID
      case 0x51: stack.push({ k: 'persid', pid: pop(offset) }); break; // BINPERSID
      case 0x52: { const args = pop(offset); const fn = pop(offset); hooks.onCall(fn, args, undefined, 'REDUCE', { offset, index: ops - 1 }); stack.push({ k: 'call', fn, args, op: 'REDUCE' }); break; } // REDUCE
      case 0x81: { const args = pop(offset); const cls = pop(offset); hooks.onCall(cls, args, undefined, 'NEWOBJ', { offset, index: ops - 1 }); stack.push({ k: 'call', fn: cls, args, op: 'NEWOBJ' }); break; } // NEWOBJ
      case 0x92: { const kw = pop(offset); const args = pop(offset); const cls = pop(offset); hooks.onCall(cls, args, kw, 'NEWOBJ_EX', { offset, index: ops - 1 }); stack.push({ k: 'call', fn: cls, args, kwargs: kw, op: 'NEWOBJ_EX' }); break; } // NEWOBJ_EX
      case 0x6f: { // OBJ
        const items = popMark(offset);
        const cls = items.shift();
        if (!cls) throw new PickleError('OBJ without a class', offset);
        const args: Value = { k: 'tuple', items };
        hooks.onCall(cls, args, undefined, 'OBJ', { offset, index: ops - 1 });
        stack.push({ k: 'call', fn: cls, args, op: 'OBJ' });
        break;
      }
      case 0x62: { // BUILD
        const state = pop(offset);
        const target = top(offset);
        const follow = hooks.onBuild(target, state, { offset, index: ops - 1 });
        if (target.k === 'call' && !Object.isFrozen(target)) target.state = state;
        if (follow === 'pickle') await runPickle(reader, hooks, limits);
        else if (follow !== undefined) {
          await skipJoblibArray(reader, follow, frameEnd, (why) => hooks.onDifferential(why, { offset, index: ops - 1 }), offset);
          frameEnd = -1;
        }
        break;
      }
      default:
        throw new PickleError(`invalid opcode 0x${op.toString(16).padStart(2, '0')}`, offset);
    }
  }
}

export { TruncatedError };
