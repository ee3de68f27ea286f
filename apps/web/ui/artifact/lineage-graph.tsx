import type { LineageGraph } from '../api/types';
import { navigate } from '../router';
import { layoutLineage, NODE_H, NODE_W } from './lineage-layout';

const SHAPE_LABEL: Record<string, string> = { model: 'model', dataset: 'dataset', code: 'code' };

/**
 * The lineage as a picture: parents on the left, the artifact highlighted, datasets and code drawn with their own
 * shape and pattern (not colour alone). Every node is a focusable link; the same facts are listed below as text.
 */
export function LineageGraphView({ graph }: { graph: LineageGraph }) {
  const { placed, width, height } = layoutLineage({
    nodes: graph.nodes.map((n) => ({ id: n.artifact_id })),
    edges: graph.edges.map((e) => ({ from: e.from_node_artifact_id, to: e.to_node_artifact_id })),
  });
  if (graph.nodes.length === 0) return <p>No lineage is known for this artifact.</p>;
  const open = (type: string, id: string) => navigate(`/view/${type}/${encodeURIComponent(id)}`);
  return (
    <figure className="lineage">
      <svg viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="group" aria-label="Lineage graph">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="edge-head" />
          </marker>
        </defs>
        {graph.edges.map((e) => {
          const from = placed.get(e.from_node_artifact_id);
          const to = placed.get(e.to_node_artifact_id);
          if (!from || !to) return null;
          const x1 = from.x + NODE_W;
          const y1 = from.y + NODE_H / 2;
          const x2 = to.x;
          const y2 = to.y + NODE_H / 2;
          return (
            <g key={`${e.from_node_artifact_id}-${e.to_node_artifact_id}-${e.relationship}`} aria-hidden="true">
              <path className="edge" d={`M ${x1} ${y1} C ${x1 + 40} ${y1}, ${x2 - 40} ${y2}, ${x2} ${y2}`} markerEnd="url(#arrow)" />
              <text className="edge-label" x={(x1 + x2) / 2} y={(y1 + y2) / 2 - 6} textAnchor="middle">
                {e.relationship}
              </text>
            </g>
          );
        })}
        {graph.nodes.map((n) => {
          const p = placed.get(n.artifact_id);
          if (p === undefined) return null; // every node is placed by layoutLineage; this only satisfies the type
          const self = n.artifact_id === graph.artifact_id;
          const shown = n.name.length > 22 ? `${n.name.slice(0, 21)}…` : n.name;

          return (
            <a
              key={n.artifact_id}
              href={`/view/${n.artifact_type}/${encodeURIComponent(n.artifact_id)}`}
              // The name is the visible text itself (name, then type), so it matches what sighted users see (WCAG 2.5.3).
              aria-current={self ? 'page' : undefined}
              className={`node node-${n.artifact_type}${self ? ' node-self' : ''}`}
              onClick={(event) => {
                event.preventDefault();
                open(n.artifact_type, n.artifact_id);
              }}
            >
              <rect x={p.x} y={p.y} width={NODE_W} height={NODE_H} rx={n.artifact_type === 'dataset' ? 24 : n.artifact_type === 'code' ? 0 : 8} />
              <text x={p.x + 10} y={p.y + 20}>
                <tspan>{shown}</tspan>{' '}
                <tspan x={p.x + 10} y={p.y + 38} className="node-type">
                  {SHAPE_LABEL[n.artifact_type] ?? n.artifact_type}
                </tspan>
              </text>
            </a>
          );
        })}
      </svg>
      <figcaption>
        Arrows point from a parent to what was built from it. Models have rounded corners, datasets are pill-shaped and dashed, code is square and dotted.
        {graph.truncated && ' The graph goes on beyond what is shown.'}
      </figcaption>
      {graph.pending.length > 0 && (
        <p>
          Named but not registered yet: {graph.pending.map((p) => `${p.upstream_id} (${p.relationship})`).join(', ')}.
        </p>
      )}
      {graph.problems.length > 0 && (
        <ul aria-label="Problems reading the lineage">
          {graph.problems.map((p, i) => (
            <li key={i}>
              {p.source}: {p.message}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
