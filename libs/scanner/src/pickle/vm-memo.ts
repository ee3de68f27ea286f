import { BUFFER, FALSE, FLOAT, NONE, TRUE, type Value } from './values';
import { compactable, frozenOf, shellOf } from './vm-compact';
import { SlotTable } from './vm-slot-table';

/**
 * The pickle memo, stored so that its memory stays a few bytes per entry however many entries a (benign)
 * pickle memoizes. A 200 MB pickle of small dicts memoizes ~11 M values; as JS objects that was ~1 GB of heap
 * and half the scan time in GC. Here each entry is a tag byte in paged typed arrays, plus 4 bytes of payload
 * for the entries that need one:
 *  - scalars (None, bools, floats) are the tag; int32 values are the payload;
 *  - strings that cannot be names are dropped (OPAQUE); the first RETAINED short name-like strings are kept
 *    decoded (dict keys, module and attribute names are memoized early and fetched constantly); later ones, and
 *    bytes, are stored as the offset of the binary opcode that produced them and re-read when fetched;
 *  - containers and calls stay whole in a ring of the COMPACT_LAG most recent ones (they are filled right
 *    after being memoized); when they leave it, plain ones become their frozen empty stand-in and calls of plain
 *    globals a shared shell (see vm-compact.ts), the rest moves to `objs` (globals, persistent ids, … too).
 * A string that could name a callable is never lost silently: one that can be neither kept nor re-read becomes
 * `unknown`, which makes STACK_GLOBAL fail closed (pickle.unresolved-global).
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
const T_RECENT = 15; // value in the ring of recent containers (see recentSlot)
const T_KEPT = 16; // lo = index in `kept` (decoded short strings)
const T_OPAQUE = 17; // a string that cannot be a module or attribute name
const T_UNKNOWN = 18; // an unknown value (a GET of a missing index, …): all such values are alike to the analyzer

/** A string that could name a module or attribute (dotted identifiers, Unicode letters allowed). */
const NAME_RE = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*(?:\.[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*)*$/u;

/**
 * NAME_RE without the regex engine for ASCII strings (nearly every memoized string; the regex was ~5% of a big
 * pickle's scan): the same dotted-identifier rule, with the regex kept for any non-ASCII string.
 */
export function isName(s: string): boolean {
  let start = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return NAME_RE.test(s);
    const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
    if (start) {
      if (!letter) return false;
      start = false;
    } else if (c === 0x2e) start = true;
    else if (!letter && !(c >= 0x30 && c <= 0x39)) return false;
  }
  return !start;
}

/**
 * What a memoized string that cannot be a name turns into. The analyzer only resolves names from strings
 * (STACK_GLOBAL); data strings (labels, text, 'item-17') are the bulk of big pickles and need no memory.
 * Should one ever reach STACK_GLOBAL it is reported as a hidden import (fail closed).
 */
const OPAQUE: Value = Object.freeze({ k: 'unknown', why: 'memoized data string (not a name)' }) as Value;
const UNKNOWN: Value = Object.freeze({ k: 'unknown', why: 'memoized unknown value' }) as Value;

/** Offsets are stored in 40 bits (1 TiB); values further in are kept as objects or dropped (fail closed). */
const MAX_SOURCE = 2 ** 40;
/** Short strings kept decoded (dict keys, module and attribute names are memoized early and fetched often). */
const RETAINED = 1 << 16;
const RETAINED_CHARS = 256;
/** Containers younger than this many memoized containers are never compacted (they are still being filled). */
export const COMPACT_LAG = 1 << 10;

interface Page {
  tags: Uint8Array;
  /** Payload (int, ring slot, kept-string index, source offset); allocated when an entry first needs one. */
  lo?: Uint32Array;
  /** High bits of source offsets, allocated only once an offset needs them (inputs over 4 GiB). */
  hi?: Uint8Array;
}

function loOf(page: Page): Uint32Array {
  return (page.lo ??= new Uint32Array(page.tags.length));
}

/** A page starts this small and doubles as its entries are used: a stream of many tiny pickles (one memo
 * each) then allocates a few dozen bytes per pickle instead of 64 Ki-entry arrays (issue 13, point 2). 16, so
 * that its payload array is 64 bytes, the most V8 allocates inside the heap: a bigger typed array gets an
 * off-heap buffer, which cost ~15% of the scan of a stream of tiny pickles. */
const FIRST_PAGE = 16;

/** Grows `page` so that entry `i` exists (doubling, at most PAGE entries); new entries are T_EMPTY. */
function grow(page: Page, i: number): void {
  let n = page.tags.length;
  while (n <= i) n *= 2;
  const tags = new Uint8Array(n);
  tags.set(page.tags);
  page.tags = tags;
  if (page.lo) {
    const lo = new Uint32Array(n);
    lo.set(page.lo);
    page.lo = lo;
  }
  if (page.hi) {
    const hi = new Uint8Array(n);
    hi.set(page.hi);
    page.hi = hi;
  }
}

const FROZEN_TAGS: Record<string, number> = { dict: T_FROZEN_DICT, list: T_FROZEN_LIST, tuple: T_FROZEN_TUPLE, set: T_FROZEN_SET };

export class Memo {
  /** Number of distinct indices ever stored (MEMOIZE uses it as the next index). */
  count = 0;
  // By page number, an array not a Map: BINGETs of early keys and MEMOIZEs of new entries alternate between two
  // pages, so the one-page cache below misses half the time and Map lookups were ~10% of a scan (issue 13).
  private readonly pages: Array<Page | undefined> = [];
  private pageCount = 0;
  private lastPageNo = -1;
  private lastPage: Page | undefined;
  /** Values without a compact form, and every entry of indices outside allocated pages (sparse indices). */
  private readonly objs = new Map<number, Value>();
  /** Source offsets (see T_SOURCE) of entries outside allocated pages. */
  private readonly sparseSources = new Map<number, number>();
  private readonly shells: Value[] = [];
  private readonly shellIds = new Map<string, number>();
  private readonly kept: Value[] = [];
  // The ring and its slot table are allocated by the first memoized container (many small pickles have none).
  private ring: Array<Value | undefined> = [];
  private readonly ringIdx: number[] = [];
  private ringNext = 0;
  /** Ring slot of each memo index whose value is in the ring (at most COMPACT_LAG entries). */
  private recentSlotTable: SlotTable | undefined;

  private get recentSlot(): SlotTable {
    return (this.recentSlotTable ??= new SlotTable(COMPACT_LAG));
  }

  /**
   * Stores `v` under `idx`. `source` is the offset of the binary opcode that produced `v` when `v` came
   * straight from one (so it can be re-read instead of kept), else -1. Returns false when the entry is new
   * and the memo is already full.
   */
  put(idx: number, v: Value, source: number, max: number): boolean {
    const page = this.pageFor(idx);
    const fresh = page ? page.tags[idx & (PAGE - 1)] === T_EMPTY : !this.objs.has(idx) && !this.sparseSources.has(idx);
    if (fresh) {
      if (this.count >= max) return false;
      this.count++;
    }
    const opaque = v.k === 'str' && (v.truncated === true || !isName(v.v));
    if (!page) {
      // Sparse indices: same rules as below for what may be dropped or re-read instead of kept.
      const reread = !opaque && source >= 0 && source < MAX_SOURCE && (v.k === 'str' || v.k === 'bytes' || v.k === 'int');
      if (reread) {
        this.objs.delete(idx);
        this.sparseSources.set(idx, source);
      } else {
        this.sparseSources.delete(idx);
        this.objs.set(idx, opaque ? OPAQUE : v);
      }
      return true;
    }
    const i = idx & (PAGE - 1);
    const was = page.tags[i];
    if (was === T_OBJ) this.objs.delete(idx);
    else if (was === T_RECENT) this.recentSlot.delete(idx);
    if (opaque) {
      page.tags[i] = T_OPAQUE;
      return true;
    }
    switch (v.k) {
      case 'none': page.tags[i] = T_NONE; return true;
      case 'bool': page.tags[i] = v.v ? T_TRUE : T_FALSE; return true;
      case 'float': page.tags[i] = T_FLOAT; return true;
      case 'buffer': page.tags[i] = T_BUFFER; return true;
      case 'dict': case 'list': case 'tuple': case 'set': case 'call':
        page.tags[i] = T_RECENT;
        this.recentSlot.set(idx, this.enterRing(idx, v));
        return true;
      case 'int':
        if (v.v !== undefined && v.v >= -0x80000000 && v.v <= 0x7fffffff) {
          page.tags[i] = T_INT;
          loOf(page)[i] = v.v >>> 0;
          return true;
        }
        break;
      case 'str':
        if (v.v.length <= RETAINED_CHARS && this.kept.length < RETAINED) {
          page.tags[i] = T_KEPT;
          loOf(page)[i] = this.kept.push(v) - 1;
          return true;
        }
        break;
      case 'unknown': page.tags[i] = T_UNKNOWN; return true;
      case 'bytes': case 'global': case 'ext': case 'persid':
        break;
    }
    if (source >= 0 && source < MAX_SOURCE && (v.k === 'str' || v.k === 'bytes' || v.k === 'int')) {
      page.tags[i] = T_SOURCE;
      loOf(page)[i] = source % 0x100000000;
      const high = Math.floor(source / 0x100000000);
      if (high > 0) (page.hi ??= new Uint8Array(page.tags.length))[i] = high;
      else if (page.hi) page.hi[i] = 0;
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
      case T_KEPT: return this.kept[loOf(page)[i]];
      case T_RECENT: return this.ring[this.recentSlot.get(idx)];
      case T_OPAQUE: return OPAQUE;
      case T_UNKNOWN: return UNKNOWN;
      case T_OBJ: return this.objs.get(idx);
      case T_INT: return { k: 'int', v: loOf(page)[i] | 0 };
      case T_NONE: return NONE;
      case T_TRUE: return TRUE;
      case T_FALSE: return FALSE;
      case T_FLOAT: return FLOAT;
      case T_BUFFER: return BUFFER;
      case T_FROZEN_DICT: return frozenOf('dict');
      case T_FROZEN_LIST: return frozenOf('list');
      case T_FROZEN_TUPLE: return frozenOf('tuple');
      case T_FROZEN_SET: return frozenOf('set');
      case T_SHELL: return this.shells[loOf(page)[i]];
      case T_DROPPED: return { k: 'unknown', why: `memo[${idx}] string dropped (memory budget)` };
      default: return undefined;
    }
  }

  /** Offset of the opcode to re-read for `idx`, or -1. */
  sourceOf(idx: number): number {
    const page = this.pageOf(idx);
    if (!page) return this.sparseSources.get(idx) ?? -1;
    const i = idx & (PAGE - 1);
    return page.tags[i] === T_SOURCE ? (page.hi ? page.hi[i] : 0) * 0x100000000 + loOf(page)[i] : -1;
  }

  private pageOf(idx: number): Page | undefined {
    const n = idx >>> PAGE_BITS;
    if (n === this.lastPageNo) return this.lastPage;
    const page = this.pages[n];
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
    if (!page && (this.pageCount < 4 || this.pageCount * PAGE <= this.count * 4)) {
      page = { tags: new Uint8Array(FIRST_PAGE) };
      this.pages[idx >>> PAGE_BITS] = page;
      this.pageCount++;
      this.lastPageNo = idx >>> PAGE_BITS;
      this.lastPage = page;
    }
    if (page && (idx & (PAGE - 1)) >= page.tags.length) grow(page, idx & (PAGE - 1));
    return page;
  }

  /** Puts a container in the ring; the one it replaces is compacted (or moved to `objs`) if still memoized. */
  private enterRing(idx: number, v: Value): number {
    const slot = this.ringNext;
    this.ringNext = (slot + 1) % COMPACT_LAG;
    const ringIdx = this.ringIdx;
    const old = this.ring[slot];
    if (old !== undefined) this.retire(ringIdx[slot], slot, old);
    this.ring[slot] = v;
    ringIdx[slot] = idx;
    return slot;
  }

  private retire(idx: number, slot: number, v: Value): void {
    const page = this.pageOf(idx);
    const i = idx & (PAGE - 1);
    // The index may have been overwritten since (PUT to the same index again): then it is no longer ours.
    if (!page || page.tags[i] !== T_RECENT || !this.recentSlot.take(idx, slot)) return;
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
      loOf(page)[i] = id;
    } else {
      page.tags[i] = T_OBJ;
      this.objs.set(idx, v);
    }
  }
}
