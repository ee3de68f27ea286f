import type { ByteReader } from '../io/byte-reader';
import { OpArgs } from './vm-args';
import type { OpAt, VmHooks, VmLimits } from './vm-hooks';
import type { Value } from './values';
import { itemsOf } from './vm-containers';
import { Memo } from './vm-memo';
import { RereadCache } from './vm-reread';
import { memoJumpOf } from './resource-guard';
import { OpcodeBudgetError, PickleError } from './pickle-errors';

export const MARK = Symbol('mark');
export type Slot = Value | typeof MARK;

/**
 * State of one running pickle and the stack/memo operations its opcodes share. Fields of an object rather
 * than variables captured by closures: the synchronous opcode loop (pickle-vm.ts) and the async text-protocol
 * opcodes (vm-line-ops.ts) both work on it, and V8 reads fields of a stable shape faster than context slots.
 */
export class Machine {
  readonly stack: Slot[] = [];
  /** Stack indices of the MARK slots, so finding the last mark is O(1) instead of a scan per SETITEMS/APPENDS. */
  readonly marks: number[] = [];
  readonly memo = new Memo();
  /** Created by the first re-read (most pickles of a stream of tiny ones never re-read). */
  private rereads: RereadCache | undefined = undefined;
  readonly a: OpArgs;
  /**
   * The last value produced directly by a binary string/bytes/long opcode, and that opcode's offset: when it
   * is memoized next, the memo can keep the offset instead of the value.
   */
  srcValue: Value | undefined = undefined;
  srcAt = -1;
  ops = 0;
  /** PROTO and FRAME opcodes seen: a stream of nothing else before STOP holds no value at all. */
  framing = 0;
  frameEnd = -1;
  /** Offset to re-read for a GET whose entry is stored as its source (see `get`). */
  pendingSource = -1;
  /** The value of the pickle once STOP ran. */
  result: Value | undefined = undefined;
  /** The rest of an opcode that has to wait for input (see `pend`). */
  pending: Promise<unknown> | undefined = undefined;

  constructor(
    readonly reader: ByteReader,
    readonly hooks: VmHooks,
    readonly limits: VmLimits,
  ) {
    this.a = new OpArgs(reader, limits.maxInlineString);
  }

  /** Where the current opcode is, for hooks. */
  at(offset: number): OpAt {
    return { offset, index: this.ops - 1 };
  }

  pend(p: Promise<unknown>): void {
    this.pending = p;
  }

  pop(at: number): Value {
    const v = this.stack.pop();
    if (v === undefined || v === MARK) throw new PickleError('stack underflow', at); // fatal: the stack is dropped
    return v;
  }

  // pop() is inlined by V8 while assigning `length` is a runtime call: this runs for every SETITEMS/APPENDS.
  truncate(height: number): void {
    const stack = this.stack;
    while (stack.length > height) stack.pop();
  }

  /** Index of the last MARK slot; the items above it are `stack[mark + 1..]` (callers truncate after use). */
  lastMark(at: number): number {
    const i = this.marks.pop();
    if (i === undefined) throw new PickleError('MARK expected but not found', at);
    return i;
  }

  popMark(at: number): Value[] {
    const i = this.lastMark(at);
    const items = this.stack.slice(i + 1) as Value[];
    this.truncate(i);
    return items;
  }

  /** Pops the MARK and the items above it into a (capped) container of `kind`. */
  collect(at: number, kind: 'tuple' | 'list' | 'set'): Value {
    const i = this.lastMark(at);
    const { items, truncated } = itemsOf(this.stack, i + 1, this.stack.length);
    this.truncate(i);
    return { k: kind, items, truncated };
  }

  /** Checks that the top `count` slots are values (no MARK among them); returns the stack height. */
  values(count: number, at: number): number {
    const stack = this.stack;
    const n = stack.length;
    if (n < count) throw new PickleError('stack underflow', at);
    for (let i = n - count; i < n; i++) if (stack[i] === MARK) throw new PickleError('stack underflow', at);
    return n;
  }

  top(at: number): Value {
    const v = this.stack[this.stack.length - 1];
    if (v === undefined || v === MARK) throw new PickleError('empty stack', at);
    return v;
  }

  put(idx: number | undefined, at: number): void {
    if (idx === undefined || !(idx >= 0 && idx <= 0xffffffff)) throw new PickleError('bad memo index', at);
    const memo = this.memo;
    const jump = memoJumpOf(idx, memo.count);
    if (jump) this.hooks.onExhaustion(jump, this.at(at));
    const v = this.top(at);
    const max = this.limits.maxMemo;
    if (!memo.put(idx, v, v === this.srcValue ? this.srcAt : -1, max)) throw new OpcodeBudgetError(`memo exceeds ${max} entries`, at);
  }

  /**
   * Synchronous unless the entry has to be re-read from the input: then undefined, with the offset to re-read
   * in `pendingSource` (see reget). No promise, and no `instanceof Promise` on a Value of any shape, per GET.
   */
  get(idx: number | undefined, at: number): Value | undefined {
    const ok = idx !== undefined && idx >= 0 && idx <= 0xffffffff;
    const v = ok ? this.memo.get(idx) : undefined;
    if (v !== undefined) return v;
    const source = ok ? this.memo.sourceOf(idx) : -1;
    // A missing key is what crashed other scanners after the payload ran: report it, keep going.
    if (source < 0) {
      this.hooks.onMemoMiss(ok ? idx : undefined, this.at(at));
      return { k: 'unknown', why: `memo[${idx}] missing (at ${at})` };
    }
    this.pendingSource = source;
    return undefined;
  }

  async reget(): Promise<Value> {
    const source = this.pendingSource;
    const r = (this.rereads ??= new RereadCache(this.reader.input, this.limits.maxInlineString)).get(source);
    const v = r instanceof Promise ? await r : r;
    this.srcValue = v;
    this.srcAt = source;
    return v;
  }

  /** Pushes a value read by a binary opcode at `at` (see srcValue). */
  pushSrc(v: Value, at: number): void {
    this.srcValue = v;
    this.srcAt = at;
    this.stack.push(v);
  }

  /**
   * A length-prefixed string/long of `n` bytes: pushed now when buffered (returns false), else the push waits
   * in `pending` (returns true).
   */
  textOp(n: number, at: number, kind: 'utf8' | 'latin1' | 'long'): boolean {
    const t = this.a.text(n, at, kind);
    if (!(t instanceof Promise)) {
      this.pushSrc(t, at);
      return false;
    }
    this.pend(t.then((v) => this.pushSrc(v, at)));
    return true;
  }
}
