/**
 * Memo index → ring slot for the containers held in the memo's ring of recent values (vm-memo.ts). A Map did
 * this job but cost a hash-table insert and delete per memoized container (millions on big pickles); this is
 * a linear-probing table in typed arrays, never more than 1/4 full. It starts at 8 cells and doubles up to
 * 4 × capacity, so the one-per-pickle table of a stream of tiny pickles stays tiny (issue 13, point 2): 8 keys
 * are 64 bytes, the most V8 allocates inside the heap (a bigger typed array gets an off-heap buffer, and 16
 * cells made this constructor ~25% of the scan of such a stream).
 */
export class SlotTable {
  private keys: Float64Array;
  private slots: Uint16Array;
  private mask = 0;
  private shift = 0;
  private size = 0;
  private readonly maxBits: number;

  /** `capacity` is the most entries ever present (≤ 65 536); the table grows to 4× as many cells. */
  constructor(capacity: number) {
    let bits = 2;
    while (1 << bits < capacity * 4) bits++;
    this.maxBits = bits;
    this.keys = new Float64Array(0);
    this.slots = new Uint16Array(0);
    this.resize(Math.min(3, bits));
  }

  private resize(bits: number): void {
    const oldKeys = this.keys;
    const oldSlots = this.slots;
    this.keys = new Float64Array(1 << bits).fill(-1);
    this.slots = new Uint16Array(1 << bits);
    this.mask = (1 << bits) - 1;
    this.shift = 32 - bits;
    for (let j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] === -1) continue;
      const i = this.find(oldKeys[j]);
      this.keys[i] = oldKeys[j];
      this.slots[i] = oldSlots[j];
    }
  }

  private home(idx: number): number {
    return Math.imul(idx | 0, 0x9e3779b1) >>> this.shift;
  }

  private find(idx: number): number {
    for (let i = this.home(idx); ; i = (i + 1) & this.mask) {
      const k = this.keys[i];
      if (k === idx || k === -1) return i;
    }
  }

  get(idx: number): number {
    const i = this.find(idx);
    return this.keys[i] === idx ? this.slots[i] : -1;
  }

  set(idx: number, slot: number): void {
    let i = this.find(idx);
    if (this.keys[i] !== idx) {
      if ((this.size + 1) * 4 > this.keys.length && this.keys.length < 1 << this.maxBits) {
        this.resize(Math.log2(this.keys.length) + 1);
        i = this.find(idx);
      }
      this.size++;
    }
    this.keys[i] = idx;
    this.slots[i] = slot;
  }

  delete(idx: number): void {
    const i = this.find(idx);
    if (this.keys[i] === idx) this.removeAt(i);
  }

  /** Deletes `idx` only when it maps to `slot` (one probe instead of a get and a delete); true if it did. */
  take(idx: number, slot: number): boolean {
    const i = this.find(idx);
    if (this.keys[i] !== idx || this.slots[i] !== slot) return false;
    this.removeAt(i);
    return true;
  }

  private removeAt(at: number): void {
    let i = at;
    // Backward-shift deletion: move later entries of the same probe run into the hole so lookups never stop
    // early at it (no tombstones to accumulate).
    for (let j = (i + 1) & this.mask; this.keys[j] !== -1; j = (j + 1) & this.mask) {
      const h = this.home(this.keys[j]);
      const between = i <= j ? h > i && h <= j : h > i || h <= j;
      if (!between) {
        this.keys[i] = this.keys[j];
        this.slots[i] = this.slots[j];
        i = j;
      }
    }
    this.keys[i] = -1;
    this.size--;
  }
}
