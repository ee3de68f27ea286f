/**
 * Every artifact's name and README held in memory as UTF-8, for regex patterns without a literal the trigram
 * sketch could use (domain/joined-scan.ts): reading 10,000 READMEs from the database for each such search cost
 * more than testing them. The bytes live in 1 MiB slabs and each artifact's place in parallel typed arrays, so the
 * heap holds a few large objects instead of one or two per artifact (a Buffer per artifact cost 2.8x the text in
 * RSS: 100,000 of 600 characters took +169 MiB for 60 MiB of text). A record is the name's UTF-8, then `\n` and the
 * README's when the artifact has one. A rewrite leaves the old bytes dead; past as many dead as live bytes the
 * slabs are copied anew.
 *
 * Past `maxBytes` the store gives up holding texts (`complete` turns false) rather than grow without bound; the
 * search then reads the table as before. Only clear() (a rebuild from the table) makes it complete again.
 */
const SLAB_BYTES = 1 << 20;

/** A fixed view of the held texts for one synchronous scan: index i is the i-th held artifact. */
export interface HeldTexts {
  readonly count: number;
  id(i: number): string;
  /** Bytes in record i. */
  bytes(i: number): number;
  /** Code points in record i, separator included: re2-wasm reports match positions in code points. */
  codePoints(i: number): number;
  /** Copies record i into `target` at `at`. */
  copyTo(i: number, target: Buffer, at: number): void;
  name(i: number): Uint8Array;
  readme(i: number): Uint8Array | null;
}

export class SearchTexts {
  private readonly slotOf = new Map<string, number>();
  private ids: Array<string | undefined> = [];
  private slab = new Int32Array(64);
  private offset = new Int32Array(64);
  private length = new Int32Array(64);
  private nameLength = new Int32Array(64);
  private cps = new Int32Array(64);
  private hasReadme = new Uint8Array(64);
  private free: number[] = [];
  private slabs: Buffer[] = [];
  private used = SLAB_BYTES; // bytes used in the last slab (full: the first set() opens one)
  private live = 0;
  private dead = 0;
  private full = false;

  constructor(private readonly maxBytes: number) {}

  /** True while every artifact set() since the last clear() is held. */
  get complete(): boolean {
    return !this.full;
  }

  /** Live text bytes held. */
  get bytes(): number {
    return this.live;
  }

  set(id: string, name: string, readme: string | null): void {
    this.delete(id);
    if (this.full) return;
    const nameBytes = Buffer.byteLength(name, 'utf8');
    const total = nameBytes + (readme === null ? 0 : 1 + Buffer.byteLength(readme, 'utf8'));
    if (this.live + total > this.maxBytes) {
      this.clear();
      this.full = true;
      return;
    }
    const [slab, at] = this.room(total);
    const buf = this.slabs[slab] as Buffer;
    buf.write(name, at, 'utf8');
    if (readme !== null) {
      buf[at + nameBytes] = 0x0a;
      buf.write(readme, at + nameBytes + 1, 'utf8');
    }
    const slot = this.free.pop() ?? this.grow();
    this.slotOf.set(id, slot);
    this.ids[slot] = id;
    this.slab[slot] = slab;
    this.offset[slot] = at;
    this.length[slot] = total;
    this.nameLength[slot] = nameBytes;
    this.cps[slot] = codePointsOf(name) + (readme === null ? 0 : 1 + codePointsOf(readme));
    this.hasReadme[slot] = readme === null ? 0 : 1;
    this.live += total;
  }

  delete(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.slotOf.delete(id);
    this.ids[slot] = undefined;
    this.free.push(slot);
    this.live -= this.length[slot] as number;
    this.dead += this.length[slot] as number;
    if (this.dead > this.live && this.dead > SLAB_BYTES) this.compact();
  }

  clear(): void {
    this.slotOf.clear();
    this.ids = [];
    this.slab = new Int32Array(64);
    this.offset = new Int32Array(64);
    this.length = new Int32Array(64);
    this.nameLength = new Int32Array(64);
    this.cps = new Int32Array(64);
    this.hasReadme = new Uint8Array(64);
    this.free = [];
    this.slabs = [];
    this.used = SLAB_BYTES;
    this.live = 0;
    this.dead = 0;
    this.full = false;
  }

  /**
   * A snapshot of the held texts that later set(), delete() or clear() calls do not change (a scan may yield to
   * the event loop between windows): it copies each record's place, and a slab's written bytes are never rewritten.
   */
  view(): HeldTexts {
    const slots: number[] = [];
    for (let s = 0; s < this.ids.length; s++) if (this.ids[s] !== undefined) slots.push(s);
    const count = slots.length;
    const ids = slots.map((s) => this.ids[s] as string);
    const pick = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const out = make(count);
      for (let i = 0; i < count; i++) out[i] = a[slots[i] as number] as number;
      return out;
    };
    const slab = pick(this.slab, (n) => new Int32Array(n));
    const offset = pick(this.offset, (n) => new Int32Array(n));
    const length = pick(this.length, (n) => new Int32Array(n));
    const nameLength = pick(this.nameLength, (n) => new Int32Array(n));
    const cps = pick(this.cps, (n) => new Int32Array(n));
    const hasReadme = pick(this.hasReadme, (n) => new Uint8Array(n));
    const slabs = this.slabs.slice();
    const bytesOf = (i: number) => slabs[slab[i] as number] as Buffer;
    return {
      count,
      id: (i) => ids[i] as string,
      bytes: (i) => length[i] as number,
      codePoints: (i) => cps[i] as number,
      copyTo: (i, target, to) => {
        const from = offset[i] as number;
        bytesOf(i).copy(target, to, from, from + (length[i] as number));
      },
      name: (i) => {
        const from = offset[i] as number;
        return bytesOf(i).subarray(from, from + (nameLength[i] as number));
      },
      readme: (i) => {
        if (hasReadme[i] !== 1) return null;
        const from = (offset[i] as number) + (nameLength[i] as number) + 1;
        return bytesOf(i).subarray(from, (offset[i] as number) + (length[i] as number));
      },
    };
  }

  /** A place for `total` bytes: the rest of the last slab, or a new one (a record never spans two). */
  private room(total: number): [number, number] {
    if (this.used + total > (this.slabs[this.slabs.length - 1]?.length ?? 0)) {
      this.slabs.push(Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, total)));
      this.used = 0;
    }
    const at = this.used;
    this.used += total;
    return [this.slabs.length - 1, at];
  }

  private grow(): number {
    const slot = this.ids.length;
    this.ids.push(undefined);
    if (slot >= this.slab.length) {
      const size = this.slab.length * 2;
      const bigger = <T extends Int32Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(size);
        b.set(a);
        return b;
      };
      this.slab = bigger(this.slab);
      this.offset = bigger(this.offset);
      this.length = bigger(this.length);
      this.nameLength = bigger(this.nameLength);
      this.cps = bigger(this.cps);
      this.hasReadme = bigger(this.hasReadme);
    }
    return slot;
  }

  /** Copies the live records into fresh slabs, dropping the dead bytes. */
  private compact(): void {
    const old = this.slabs;
    this.slabs = [];
    this.used = SLAB_BYTES;
    for (let s = 0; s < this.ids.length; s++) {
      if (this.ids[s] === undefined) continue;
      const len = this.length[s] as number;
      const [slab, at] = this.room(len);
      const from = this.offset[s] as number;
      (old[this.slab[s] as number] as Buffer).copy(this.slabs[slab] as Buffer, at, from, from + len);
      this.slab[s] = slab;
      this.offset[s] = at;
    }
    this.dead = 0;
  }
}

/**
 * Code points of the string's UTF-8 form: UTF-16 units less one per surrogate pair (a lone surrogate becomes one
 * U+FFFD in UTF-8, so it counts as one).
 */
export function codePointsOf(text: string): number {
  let pairs = 0;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        pairs++;
        i++;
      }
    }
  }
  return text.length - pairs;
}

/** The texts of `view` for which keep(i) holds, in the same order (a prefilter's survivors, for the scan). */
export function narrowedView(view: HeldTexts, keep: (i: number) => boolean): HeldTexts {
  const picked: number[] = [];
  for (let i = 0; i < view.count; i++) if (keep(i)) picked.push(i);
  const at = Int32Array.from(picked);
  const to = (i: number) => at[i] as number;
  return {
    count: at.length,
    id: (i) => view.id(to(i)),
    bytes: (i) => view.bytes(to(i)),
    codePoints: (i) => view.codePoints(to(i)),
    copyTo: (i, target, offset) => view.copyTo(to(i), target, offset),
    name: (i) => view.name(to(i)),
    readme: (i) => view.readme(to(i)),
  };
}
