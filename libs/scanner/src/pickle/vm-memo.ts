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
 *  - containers and calls are kept whole in a ring of the COMPACT_LAG most recent ones (they are filled right
 *    after being memoized); when they leave it, plain ones become their frozen empty stand-in and calls of plain
 *    globals a shared shell (see vm-compact.ts), the rest moves to `objs`;
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
const T_RECENT = 15; // lo = slot in the ring of recent containers

/** Short strings kept decoded (dict keys, module and attribute names are memoized early and fetched often). */
const RETAINED = 1 << 16;
const RETAINED_CHARS = 256;
/** Containers younger than this many memoized containers are never compacted (they are still being filled). */
export const COMPACT_LAG = 1 << 10;

interface Page {
  tags: Uint8Array;
  lo: Uint32Array;
  hi: Uint8Array;
}

const FROZEN_TAGS: Record<string, number> = { dict: T_FROZEN_DICT, list: T_FROZEN_LIST, tuple: T_FROZEN_TUPLE, set: T_FROZEN_SET };

export class Memo {
  /** Number of distinct indices ever stored (MEMOIZE uses it as the next index). */
  count = 0;
  private readonly pages = new Map<number, Page>();
  private lastPageNo = -1;
  private lastPage: Page | undefined;
  /** Values without a compact form, and every entry of indices outside allocated pages (sparse indices). */
  private readonly objs = new Map<number, Value>();
  private readonly shells: Value[] = [];
  private readonly shellIds = new Map<string, number>();
  private retained = 0;
  private readonly ring: Array<Value | undefined> = new Array<Value | undefined>(COMPACT_LAG).fill(undefined);
  private readonly ringIdx = new Float64Array(COMPACT_LAG);
  private ringNext = 0;

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
    switch (v.k) {
      case 'none': page.tags[i] = T_NONE; return true;
      case 'bool': page.tags[i] = v.v ? T_TRUE : T_FALSE; return true;
      case 'float': page.tags[i] = T_FLOAT; return true;
      case 'buffer': page.tags[i] = T_BUFFER; return true;
      case 'dict': case 'list': case 'tuple': case 'set': case 'call':
        page.tags[i] = T_RECENT;
        page.lo[i] = this.enterRing(idx, v);
        return true;
      case 'int':
        if (v.v !== undefined && v.v >= -0x80000000 && v.v <= 0x7fffffff) {
          page.tags[i] = T_INT;
          page.lo[i] = v.v >>> 0;
          return true;
        }
        break;
      case 'str':
        if (!v.truncated && v.v.length <= RETAINED_CHARS && this.retained < RETAINED) {
          this.retained++;
          page.tags[i] = T_OBJ;
          this.objs.set(idx, v);
          return true;
        }
        break;
    }
    if (source >= 0 && (v.k === 'str' || v.k === 'bytes' || v.k === 'int')) {
      page.tags[i] = T_SOURCE;
      page.lo[i] = source % 0x100000000;
      page.hi[i] = Math.floor(source / 0x100000000);
    } else if (v.k === 'str') page.tags[i] = T_DROPPED;
    else {
      page.tags[i] = T_OBJ;
      this.objs.set(idx, v);
    }
    return true;
  }

  /** The stored value; undefined when the index is empty or the value must be re-read (see `sourceOf`). */
  get(idx: number): Value | undefined {
    const page = this.pageOf(idx);
    if (!page) return this.objs.get(idx);
    const i = idx & (PAGE - 1);
    switch (page.tags[i]) {
      case T_RECENT: return this.ring[page.lo[i]];
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
    const page = this.pageOf(idx);
    if (!page) return -1;
    const i = idx & (PAGE - 1);
    return page.tags[i] === T_SOURCE ? page.hi[i] * 0x100000000 + page.lo[i] : -1;
  }

  private pageOf(idx: number): Page | undefined {
    const n = idx >>> PAGE_BITS;
    if (n === this.lastPageNo) return this.lastPage;
    const page = this.pages.get(n);
    if (page) {
      this.lastPageNo = n;
      this.lastPage = page;
    }
    return page;
  }

  private pageFor(idx: number): Page | undefined {
    let page = this.pageOf(idx);
    // Pages are only allocated while the memo is reasonably dense: scattered LONG_BINPUT indices cannot make
    // us allocate 64 Ki-entry pages for single entries (those go to `objs`, bounded by the memo budget).
    if (!page && (this.pages.size < 4 || this.pages.size * PAGE <= this.count * 4)) {
      page = { tags: new Uint8Array(PAGE), lo: new Uint32Array(PAGE), hi: new Uint8Array(PAGE) };
      this.pages.set(idx >>> PAGE_BITS, page);
    }
    return page;
  }

  /** Puts a container in the ring; the one it replaces is compacted (or moved to `objs`) if still memoized. */
  private enterRing(idx: number, v: Value): number {
    const slot = this.ringNext;
    this.ringNext = (slot + 1) % COMPACT_LAG;
    const old = this.ring[slot];
    if (old !== undefined) this.retire(this.ringIdx[slot], slot, old);
    this.ring[slot] = v;
    this.ringIdx[slot] = idx;
    return slot;
  }

  private retire(idx: number, slot: number, v: Value): void {
    const page = this.pageOf(idx);
    const i = idx & (PAGE - 1);
    // The index may have been overwritten since (PUT to the same index again): then it is no longer ours.
    if (!page || page.tags[i] !== T_RECENT || page.lo[i] !== slot) return;
    const kind = compactable(v);
    if (kind === 'frozen') page.tags[i] = FROZEN_TAGS[v.k];
    else if (kind === 'shell' && v.k === 'call') {
      const { key, shell } = shellOf(v);
      let id = this.shellIds.get(key);
      if (id === undefined) {
        id = this.shells.push(shell) - 1;
        this.shellIds.set(key, id);
      }
      page.tags[i] = T_SHELL;
      page.lo[i] = id;
    } else {
      page.tags[i] = T_OBJ;
      this.objs.set(idx, v);
    }
  }
}
