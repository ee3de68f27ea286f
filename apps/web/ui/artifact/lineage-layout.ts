/**
 * Layered layout of a lineage graph: parents left of children (longest path from a root decides the column),
 * nodes of a column spread evenly. Pure (no DOM), so it is unit-tested. Cycles (which the lineage service refuses,
 * but a client must not loop on) are broken by ignoring edges that close one.
 */
export interface LayoutInput {
  nodes: Array<{ id: string }>;
  edges: Array<{ from: string; to: string }>;
}
export interface Placed {
  id: string;
  x: number;
  y: number;
  column: number;
}

export const NODE_W = 180;
export const NODE_H = 48;
const GAP_X = 150; // room for the relationship label on the edge
const GAP_Y = 24;

export function layoutLineage(input: LayoutInput): { placed: Map<string, Placed>; width: number; height: number } {
  const ids = new Set(input.nodes.map((n) => n.id));
  const parents = new Map<string, string[]>();
  for (const id of ids) parents.set(id, []);
  for (const e of input.edges) if (ids.has(e.from) && e.from !== e.to) parents.get(e.to)?.push(e.from);

  const column = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = column.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0; // an edge closing a cycle: ignore it
    visiting.add(id);
    const d = Math.max(-1, ...(parents.get(id) ?? []).map(depth)) + 1;
    visiting.delete(id);
    column.set(id, d);
    return d;
  };
  for (const n of input.nodes) depth(n.id);

  const columns: string[][] = [];
  for (const n of input.nodes) (columns[column.get(n.id) ?? 0] ??= []).push(n.id);
  const tallest = Math.max(1, ...columns.map((c) => c?.length ?? 0));
  const height = tallest * (NODE_H + GAP_Y) + GAP_Y;
  const placed = new Map<string, Placed>();
  columns.forEach((members, c) => {
    const offset = (height - members.length * (NODE_H + GAP_Y) + GAP_Y) / 2;
    members.forEach((id, row) => placed.set(id, { id, column: c, x: GAP_X / 2 + c * (NODE_W + GAP_X), y: offset + row * (NODE_H + GAP_Y) }));
  });
  return { placed, width: Math.max(1, columns.length) * (NODE_W + GAP_X), height };
}
