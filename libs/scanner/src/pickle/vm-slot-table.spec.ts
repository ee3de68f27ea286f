import { describe, expect, it } from 'vitest';
import { SlotTable } from './vm-slot-table';

describe('SlotTable', () => {
  it('behaves like a Map under random inserts and deletes at full load (probe runs, wrap-around, big keys)', () => {
    const table = new SlotTable(64);
    const model = new Map<number, number>();
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    // Keys that collide a lot (multiples of 4096) and keys above 2^31 (memo indices are uint32).
    const key = (): number => (rand(4) === 0 ? 0xfffff000 + rand(16) : rand(200) * 4096);
    for (let step = 0; step < 20_000; step++) {
      const k = key();
      if (model.size < 64 && rand(2) === 0) {
        const slot = rand(1024);
        table.set(k, slot);
        model.set(k, slot);
      } else {
        table.delete(k);
        model.delete(k);
      }
      const probe = key();
      expect(table.get(probe)).toBe(model.get(probe) ?? -1);
    }
    for (const [k, v] of model) expect(table.get(k)).toBe(v);
  });
});
