import { ByteReader, TruncatedError } from '../io/byte-reader';
import { skipJoblibArray } from './joblib-array';
import { BUFFER, FALSE, FLOAT, NONE, TRUE, type Value } from './values';
import { addItems, pairsOf, setItems, smallInt } from './vm-containers';
import { lineOp } from './vm-line-ops';
import { Machine, MARK } from './vm-machine';

export { EmptyPickleError, OpcodeBudgetError, PickleError } from './pickle-errors';
import { EmptyPickleError, OpcodeBudgetError, PickleError } from './pickle-errors';

export type { OpAt, VmHooks, VmLimits } from './vm-hooks';
import type { VmHooks, VmLimits } from './vm-hooks';

/** Bytes buffered before each opcode (unless the input ends first): fixed-size arguments never wait. */
const WINDOW = 512;
/** What the synchronous loop stopped for. */
const STOPPED = 0;
const NEED_FILL = 1;
const PENDING = 2;

/**
 * Runs one pickle (PROTO … STOP) from `reader.pos` symbolically and returns when STOP is reached. Throws
 * PickleError on malformed input. Implements every opcode of protocols 0-5. Returns the unpickled (symbolic) value.
 *
 * The opcodes run in a synchronous loop (`runOps`) for as long as their bytes are buffered; this driver only
 * awaits when the loop asks for more input or hands over the rest of an opcode that must wait (a long string
 * not yet buffered, a text-protocol line, a memo entry re-read from the input, a nested pickle). An opcode is
 * always finished before the next one starts, so the order of hooks and checks is that of a plain loop.
 */
export async function runPickle(reader: ByteReader, hooks: VmHooks, limits: VmLimits): Promise<Value> {
  const m = new Machine(reader, hooks, limits);
  let filled = false;
  for (;;) {
    const r = runOps(m, filled);
    if (r === STOPPED) return m.result as Value;
    if (r === NEED_FILL) {
      await reader.fill(WINDOW);
      filled = true;
    } else {
      const p = m.pending;
      m.pending = undefined;
      await p;
      filled = false;
    }
  }
}

/**
 * Runs opcodes until STOP (STOPPED), until fewer than WINDOW bytes are buffered short of the end of the input
 * (NEED_FILL: the driver fills, then one opcode runs whatever was read, as when every opcode awaited its fill),
 * or until an opcode leaves its remainder in `m.pending` (PENDING).
 */
function runOps(m: Machine, filled: boolean): number {
  const { reader, stack, a, hooks, limits } = m;
  let skipFill = filled;
  for (;;) {
    if (skipFill) skipFill = false;
    else if (!reader.has(WINDOW) && !reader.buffersToEnd()) return NEED_FILL;
    const offset = reader.pos;
    if (!reader.has(1)) throw new PickleError('pickle ends without STOP', offset);
    if (m.frameEnd >= 0) {
      if (offset === m.frameEnd) m.frameEnd = -1;
      else if (offset > m.frameEnd) {
        hooks.onFrameMismatch({ offset, index: m.ops });
        m.frameEnd = -1;
      }
    }
    const ops = ++m.ops;
    if (ops > limits.maxOpcodes) throw new OpcodeBudgetError(`more than ${limits.maxOpcodes} opcodes`, offset);
    if ((ops & 0xffff) === 0) hooks.checkBudget();
    const op = reader.u8();
    switch (op) {
      case 0x80: { // PROTO
        const proto = a.u8(offset);
        if (proto > 5) throw new PickleError(`unsupported protocol ${proto}`, offset);
        m.framing++;
        break;
      }
      case 0x95: { // FRAME
        const len = a.u64(offset);
        if (len > reader.remaining) throw new PickleError('FRAME longer than the remaining input', offset);
        m.frameEnd = reader.pos + len;
        m.framing++;
        break;
      }
      case 0x2e: // STOP
        if (ops - 1 === m.framing) throw new EmptyPickleError('the pickle holds no opcode between PROTO and STOP', offset);
        if (stack.length !== 1 || stack[0] === MARK) throw new PickleError('STOP with a stack that is not one value', offset);
        m.result = stack[0];
        return STOPPED;
      case 0x28: m.marks.push(stack.length); stack.push(MARK); break; // MARK
      case 0x30: m.pop(offset); break; // POP
      case 0x31: m.popMark(offset); break; // POP_MARK
      case 0x32: stack.push(m.top(offset)); break; // DUP
      case 0x4e: stack.push(NONE); break; // NONE
      case 0x88: stack.push(TRUE); break; // NEWTRUE
      case 0x89: stack.push(FALSE); break; // NEWFALSE
      case 0x47: a.need(8, offset); reader.skip(8); stack.push(FLOAT); break; // BINFLOAT
      case 0x4a: stack.push(smallInt(a.i32(offset))); break; // BININT
      case 0x4b: stack.push(smallInt(a.u8(offset))); break; // BININT1
      case 0x4d: stack.push(smallInt(a.u16(offset))); break; // BININT2
      case 0x8a: if (m.textOp(a.u8(offset), offset, 'long')) return PENDING; break; // LONG1
      case 0x8b: if (m.textOp(a.i32(offset), offset, 'long')) return PENDING; break; // LONG4
      case 0x54: if (m.textOp(a.i32(offset), offset, 'latin1')) return PENDING; break; // BINSTRING
      case 0x55: if (m.textOp(a.u8(offset), offset, 'latin1')) return PENDING; break; // SHORT_BINSTRING
      case 0x58: if (m.textOp(a.u32(offset), offset, 'utf8')) return PENDING; break; // BINUNICODE
      case 0x8c: if (m.textOp(a.u8(offset), offset, 'utf8')) return PENDING; break; // SHORT_BINUNICODE
      case 0x8d: if (m.textOp(a.u64(offset), offset, 'utf8')) return PENDING; break; // BINUNICODE8
      case 0x42: case 0x43: case 0x8e: case 0x96: { // BINBYTES, SHORT_BINBYTES, BINBYTES8, BYTEARRAY8
        const n = op === 0x43 ? a.u8(offset) : op === 0x42 ? a.u32(offset) : a.u64(offset);
        if (n < 0 || n > reader.remaining) throw new PickleError(`bytes length ${n} runs past the end of the input`, offset);
        const off = reader.pos;
        reader.skip(n);
        m.pushSrc({ k: 'bytes', off, len: n }, offset);
        break;
      }
      case 0x97: stack.push(BUFFER); break; // NEXT_BUFFER
      case 0x98: m.top(offset); break; // READONLY_BUFFER
      case 0x29: stack.push({ k: 'tuple', items: [] }); break; // EMPTY_TUPLE
      case 0x5d: stack.push({ k: 'list', items: [] }); break; // EMPTY_LIST
      case 0x7d: stack.push({ k: 'dict', kv: [] }); break; // EMPTY_DICT
      case 0x8f: stack.push({ k: 'set', items: [] }); break; // EMPTY_SET
      case 0x85: stack.push({ k: 'tuple', items: [m.pop(offset)] }); break; // TUPLE1
      case 0x86: { const b = m.pop(offset); stack.push({ k: 'tuple', items: [m.pop(offset), b] }); break; } // TUPLE2
      case 0x87: { const c = m.pop(offset); const b = m.pop(offset); stack.push({ k: 'tuple', items: [m.pop(offset), b, c] }); break; } // TUPLE3
      case 0x74: stack.push(m.collect(offset, 'tuple')); break; // TUPLE
      case 0x6c: stack.push(m.collect(offset, 'list')); break; // LIST
      case 0x91: stack.push(m.collect(offset, 'set')); break; // FROZENSET
      case 0x64: { // DICT
        const i = m.lastMark(offset);
        const kv = pairsOf(stack, i + 1, stack.length, offset);
        m.truncate(i);
        stack.push({ k: 'dict', kv });
        break;
      }
      case 0x61: { // APPEND
        const n = m.values(2, offset);
        addItems(stack[n - 2] as Value, stack, n - 1, n, offset);
        m.truncate(n - 1);
        break;
      }
      case 0x73: { // SETITEM
        const n = m.values(3, offset);
        setItems(stack[n - 3] as Value, stack, n - 2, n, offset);
        m.truncate(n - 2);
        break;
      }
      case 0x65: case 0x90: case 0x75: { // APPENDS, ADDITEMS, SETITEMS
        const i = m.lastMark(offset);
        const target = stack[i - 1];
        if (target === undefined || target === MARK) throw new PickleError('empty stack', offset);
        if (op === 0x75) setItems(target, stack, i + 1, stack.length, offset);
        else addItems(target, stack, i + 1, stack.length, offset);
        m.truncate(i);
        break;
      }
      case 0x68: case 0x6a: { // BINGET, LONG_BINGET
        const g = m.get(op === 0x68 ? a.u8(offset) : a.u32(offset), offset);
        if (g !== undefined) stack.push(g);
        else {
          m.pend(m.reget().then((v) => stack.push(v)));
          return PENDING;
        }
        break;
      }
      case 0x71: m.put(a.u8(offset), offset); break; // BINPUT
      case 0x72: m.put(a.u32(offset), offset); break; // LONG_BINPUT
      case 0x94: m.put(m.memo.count, offset); break; // MEMOIZE
      // FLOAT, INT, LONG, STRING, UNICODE, GET, PUT, GLOBAL, INST, PERSID: newline-terminated arguments
      case 0x46: case 0x49: case 0x4c: case 0x53: case 0x56: case 0x67: case 0x70: case 0x63: case 0x69: case 0x50:
        m.pend(lineOp(m, op, offset));
        return PENDING;
      case 0x93: { // STACK_GLOBAL
        const name = m.pop(offset);
        const module = m.pop(offset);
        if (module.k === 'str' && name.k === 'str' && !module.truncated && !name.truncated) {
          hooks.onImport(module.v, name.v, 'STACK_GLOBAL', m.at(offset));
          stack.push({ k: 'global', module: module.v, name: name.v });
        } else {
          hooks.onUnresolvedGlobal(module, name, m.at(offset));
          stack.push({ k: 'unknown', why: 'unresolved STACK_GLOBAL' });
        }
        break;
      }
      case 0x82: case 0x83: case 0x84: { // EXT1, EXT2, EXT4
        const code = op === 0x82 ? a.u8(offset) : op === 0x83 ? a.u16(offset) : a.i32(offset);
        hooks.onExtension(code, m.at(offset));
        stack.push({ k: 'ext', code });
        break;
      }
      case 0x51: stack.push({ k: 'persid', pid: m.pop(offset) }); break; // BINPERSID
      case 0x52: { const args = m.pop(offset); const fn = m.pop(offset); hooks.onCall(fn, args, undefined, 'REDUCE', m.at(offset)); stack.push({ k: 'call', fn, args, op: 'REDUCE' }); break; } // REDUCE
      case 0x81: { const args = m.pop(offset); const cls = m.pop(offset); hooks.onCall(cls, args, undefined, 'NEWOBJ', m.at(offset)); stack.push({ k: 'call', fn: cls, args, op: 'NEWOBJ' }); break; } // NEWOBJ
      case 0x92: { const kw = m.pop(offset); const args = m.pop(offset); const cls = m.pop(offset); hooks.onCall(cls, args, kw, 'NEWOBJ_EX', m.at(offset)); stack.push({ k: 'call', fn: cls, args, kwargs: kw, op: 'NEWOBJ_EX' }); break; } // NEWOBJ_EX
      case 0x6f: { // OBJ
        const items = m.popMark(offset);
        const cls = items.shift();
        if (!cls) throw new PickleError('OBJ without a class', offset);
        const args: Value = { k: 'tuple', items };
        hooks.onCall(cls, args, undefined, 'OBJ', m.at(offset));
        stack.push({ k: 'call', fn: cls, args, op: 'OBJ' });
        break;
      }
      case 0x62: { // BUILD
        const state = m.pop(offset);
        const target = m.top(offset);
        const follow = hooks.onBuild(target, state, m.at(offset));
        if (target.k === 'call' && !Object.isFrozen(target)) target.state = state;
        if (follow === 'pickle') {
          m.pend(runPickle(reader, hooks, limits));
          return PENDING;
        }
        if (follow !== undefined) {
          const differential = (why: string): void => hooks.onDifferential(why, m.at(offset));
          m.pend(skipJoblibArray(reader, follow, m.frameEnd, differential, offset).then(() => { m.frameEnd = -1; }));
          return PENDING;
        }
        break;
      }
      default:
        throw new PickleError(`invalid opcode 0x${op.toString(16).padStart(2, '0')}`, offset);
    }
  }
}

export { TruncatedError };
