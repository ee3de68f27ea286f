import { describe, expect, it } from 'vitest';
import { layoutLineage, NODE_H } from './lineage-layout';

describe('lineage layout', () => {
  it('puts every parent in a column left of its children and keeps nodes of a column apart', () => {
    const { placed } = layoutLineage({
      nodes: [{ id: 'child' }, { id: 'base' }, { id: 'data' }, { id: 'grand' }],
      edges: [
        { from: 'base', to: 'child' },
        { from: 'data', to: 'child' },
        { from: 'grand', to: 'base' },
      ],
    });
    expect(placed.get('grand')!.column).toBe(0);
    expect(placed.get('base')!.column).toBe(1);
    expect(placed.get('child')!.column).toBe(2);
    expect(placed.get('child')!.x).toBeGreaterThan(placed.get('base')!.x);
    const col0 = [...placed.values()].filter((p) => p.column === 0).map((p) => p.y).sort((a, b) => a - b);
    expect(col0).toHaveLength(2);
    expect(col0[1]! - col0[0]!).toBeGreaterThanOrEqual(NODE_H);
  });

  it('terminates on a cycle and ignores edges to unknown nodes', () => {
    const { placed } = layoutLineage({ nodes: [{ id: 'a' }, { id: 'b' }], edges: [{ from: 'a', to: 'b' }, { from: 'b', to: 'a' }, { from: 'x', to: 'a' }] });
    expect(placed.size).toBe(2);
    expect(placed.get('a')!.column).not.toBe(placed.get('b')!.column);
  });
});
