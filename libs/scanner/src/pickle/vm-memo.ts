import { BUFFER, FALSE, FLOAT, NONE, TRUE, type Value } from './values';
import { compactable, frozenOf, shellOf } from './vm-compact';

/**
 * The pickle memo, stored so that its memory stays a few bytes per entry however many entries a (benign)
 * pickle memoizes. A 200 MB pickle of small dicts memoizes ~11 M values; as JS objects that was ~1 GB of heap
 * and half the scan time in GC. Here each entry is a tag byte plus 5 bytes of payload in paged typed arrays:
 *  - scalars (None, bools, floats, small ints) are the tag (and the int) itself;
 *  - strings and bytes read by a binary opcode are stored as the file offset of that opcode and re-read from
 *    the input when fetched (`sourceOf`), except the first RETAINED short strings, kept decoded because
 *    dictionary keys and module names are memoized early and fetched constantly;
 *  - containers are kept whole for a while (they are filled right after being memoized), then plain ones become
 *    their frozen empty stand-in and calls of plain globals a shared shell (see vm-compact.ts);
 *  - everything else (globals, calls, persistent ids, …) stays an object in `objs`.
 * Nothing a later opcode could resolve a callable from is ever lost silently: a string that can be neither
 * kept nor re-read becomes `unknown`, which makes STACK_GLOBAL fail closed (pickle.unresolved-global).
 */

const PAGE_BITS = 16;
const PAGE = 1 << PAGE_BITS;
const T_EMPTY = 0;
const T_OBJ = 1;
const T_SOURCE = 2; // lo/hi = offset of the opcode that produced the value
const T_INT = 3; // lo = int32 bits
const T_NONE = 4;
const T_TRUE = 5;
const T_FALSE = 6;
const T_FLOAT = 7;
const T_BUFFER = 8;
const T_FROZEN_DICT = 9;
const T_FROZEN_LIST = 10;
const T_FROZEN_TUPLE = 11;
const T_FROZEN_SET = 12;
const T_SHELL = 13; // lo = index in `shells`
const T_DROPPED = 14;

/** Short strings kept decoded (dict keys, module and attribute names are memoized early and fetched often). */
const RETAINED = 1 << 16;
const RETAINED_CHARS = 256;
/** Memo entries younger than this are never compacted (containers are usually filled right after PUT). */
export const COMPACT_LAG = 1 << 14;

interface Page {
  tags: Uint8Array;
  lo: Uint32Array;
  hi: Uint8Array;
}

const SCALAR_TAGS = new Map<Value, number>([[NONE, T_NONE], [TRUE, T_TRUE], [FALSE, T_FALSE], [FLOAT, T_FLOAT], [BUFFER, T_BUFFER]]);
const FROZEN_TAGS: Record<string, number> = { dict: T_FROZEN_DICT, list: T_FROZEN_LIST, tuple: T_FROZEN_TUPLE, set: T_FROZEN_SET };

export class Memo {
  /** Number of distinct indices ever stored (MEMOIZE uses it as the next index). */
  count = 0;
  private readonly pages = new Map<number, Page>();
  /** Entries of pages that were not allocated (sparse, attacker-chosen indices) and non-scalar values. */
  private readonly objs = new Map<number, Value>();
  private readonly shells: Value[] = [];
  private readonly shellIds = new Map<string, number>();
  private retained = 0;
  /** Indices of containers/calls waiting to be compacted, in insertion order. */
  private pending: number[] = [];
  private sinceCompact = 0;

  /**
   * Stores `v` under `idx`. `source` is the offset of the binary opcode that produced `v` when `v` came
   * straight from one (so it can be re-read instead of kept), else -1. Returns false when the entry is new
   * and the memo is already full.
   */
  put(idx: number, v: Value, source: number, max: number): boolean {
    const page = this.pageFor(idx);
    const fresh = page ? page.tags[idx & (PAGE - 1)] === T_EMPTY : !this.objs.has(idx);
    if (fresh) {
      if (this.count >= max) return false;
      this.count++;
    }
    if (!page) {
      this.objs.set(idx, v);
      return true;
    }
    const i = idx & (PAGE - 1);
    if (page.tags[i] === T_OBJ) this.objs.delete(idx);
    const scalar = SCALAR_TAGS.get(v);
    if (scalar !== undefined) page.tags[i] = scalar;
    else if (v.k === 'int' && v.v !== undefined && v.v >= -0x80000000 && v.v <= 0x7fffffff) {
      page.tags[i] = T_INT;
      page.lo[i] = v.v >>> 0;
    } else if (v.k === 'str' && !v.truncated && v.v.length <= RETAINED_CHARS && this.retained < RETAINED) {
      this.retained++;
      page.tags[i] = T_OBJ;
      this.objs.set(idx, v);
    } else if (source >= 0 && (v.k === 'str' || v.k === 'bytes' || v.k === 'int')) {
      page.tags[i] = T_SOURCE;
      page.lo[i] = source % 0x100000000;
      page.hi[i] = Math.floor(source / 0x100000000);
    } else if (v.k === 'str') page.tags[i] = T_DROPPED;
    else {
      page.tags[i] = T_OBJ;
      this.objs.set(idx, v);
      if (v.k === 'dict' || v.k === 'list' || v.k === 'tuple' || v.k === 'set' || v.k === 'call') this.pending.push(idx);
    }
    if (++this.sinceCompact >= COMPACT_LAG) this.compact();
    return true;
  }

  /** The stored value; undefined when the index is empty or the value must be re-read (see `sourceOf`). */
  get(idx: number): Value | undefined {
    const page = this.pages.get(idx >>> PAGE_BITS);
    if (!page) return this.objs.get(idx);
    const i = idx & (PAGE - 1);
    switch (page.tags[i]) {
      case T_OBJ: return this.objs.get(idx);
      case T_INT: return { k: 'int', v: page.lo[i] | 0 };
      case T_NONE: return NONE;
      case T_TRUE: return TRUE;
      case T_FALSE: return FALSE;
      case T_FLOAT: return FLOAT;
      case T_BUFFER: return BUFFER;
      case T_FROZEN_DICT: return frozenOf('dict');
      case T_FROZEN_LIST: return frozenOf('list');
      case T_FROZEN_TUPLE: return frozenOf('tuple');
      case T_FROZEN_SET: return frozenOf('set');
      case T_SHELL: return this.shells[page.lo[i]];
      case T_DROPPED: return { k: 'unknown', why: `memo[${idx}] string dropped (memory budget)` };
      default: return undefined;
    }
  }

  /** Offset of the opcode to re-read for `idx`, or -1. */
  sourceOf(idx: number): number {
    const page = this.pages.get(idx >>> PAGE_BITS);
    if (!page) return -1;
    const i = idx & (PAGE - 1);
    return page.tags[i] === T_SOURCE ? page.hi[i] * 0x100000000 + page.lo[i] : -1;
  }

  private pageFor(idx: number): Page | undefined {
    const n = idx >>> PAGE_BITS;
    let page = this.pages.get(n);
    // Pages are only allocated while the memo is reasonably dense: scattered LONG_BINPUT indices cannot make
    // us allocate 64 Ki-entry pages for single entries (those go to `objs`, bounded by the memo budget).
    if (!page && (this.pages.size < 4 || this.pages.size * PAGE <= this.count * 4)) {
      page = { tags: new Uint8Array(PAGE), lo: new Uint32Array(PAGE), hi: new Uint8Array(PAGE) };
      this.pages.set(n, page);
    }
    return page;
  }

  /** Replaces containers and calls older than COMPACT_LAG puts by their compact stand-ins. */
  private compact(): void {
    this.sinceCompact = 0;
    const keep = this.pending.length - COMPACT_LAG;
    if (keep <= 0) return;
    for (let j = 0; j < keep; j++) {
      const idx = this.pending[j];
      const page = this.pages.get(idx >>> PAGE_BITS);
      const v = this.objs.get(idx);
      if (!page || v === undefined || page.tags[idx & (PAGE - 1)] !== T_OBJ) continue;
      const kind = compactable(v);
      if (kind === 'frozen') {
        page.tags[idx & (PAGE - 1)] = FROZEN_TAGS[v.k];
        this.objs.delete(idx);
      } else if (kind === 'shell' && v.k === 'call') {
        const { key, shell } = shellOf(v);
        let id = this.shellIds.get(key);
        if (id === undefined) {
          id = this.shells.push(shell) - 1;
          this.shellIds.set(key, id);
        }
        page.tags[idx & (PAGE - 1)] = T_SHELL;
        page.lo[idx & (PAGE - 1)] = id;
        this.objs.delete(idx);
      }
    }
    this.pending = this.pending.slice(keep);
  }
}
