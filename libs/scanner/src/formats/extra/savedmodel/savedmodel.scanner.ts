import type { Finding, FormatScanner, ScanContext, ScanInput } from '../../../core/types';
import { budgetOf, finding, guardedScan } from '../common/findings';
import { sniffFields } from '../common/protobuf-reader';
import { externalPathProblem } from '../onnx/external-data-path';
import { readTfGraph, type TfNode } from './tf-graph-reader';
import { FILESYSTEM_OPS, KNOWN_OPS, PATH_INPUT_OPS, PYTHON_CALLBACK_OPS, SINK_ATTRS } from './tf-ops';

const FORMAT = 'savedmodel';

/** `saved_model.pb` (SavedModel → MetaGraphDef → GraphDef + FunctionDefLibrary) or a frozen GraphDef `.pb`. */
export const savedModelScanner: FormatScanner = {
  name: 'tf-savedmodel',
  canHandle(head: Buffer): boolean {
    return sniffKind(head) !== undefined;
  },
  scan(input: ScanInput, ctx: ScanContext): Promise<Finding[]> {
    return guardedScan(input, FORMAT, async (sink) => {
      const head = await input.read(0, Math.min(4096, input.size));
      const graph = await readTfGraph(input, budgetOf(() => ctx.checkBudget()), sniffKind(head) === 'graphdef');
      const consts = new Map<string, string[]>();
      for (const n of graph.nodes) if (n.op === 'Const') consts.set(`${n.scope}\u0000${n.name}`, n.strings.get('value') ?? []);
      const reportedUnknown = new Set<string>();
      for (const node of graph.nodes) {
        checkNode(input, node, consts, sink);
        if (!KNOWN_OPS.has(node.op) && !graph.functions.has(node.op) && !isFlaggedOp(node.op) && !reportedUnknown.has(node.op)) {
          reportedUnknown.add(node.op);
          sink.push(finding(input, 'savedmodel.custom-op', 'WARNING', `op ${JSON.stringify(node.op.slice(0, 120))} (node ${JSON.stringify(node.name.slice(0, 120))}, ${node.scope}) is not a core TensorFlow op; loading it may need a custom native op library`, { offset: node.offset, details: { op: node.op } }));
        }
      }
    });
  },
};

function isFlaggedOp(op: string): boolean {
  return PYTHON_CALLBACK_OPS.has(op) || FILESYSTEM_OPS.has(op) || PATH_INPUT_OPS.has(op) || SINK_ATTRS.has(op);
}

function checkNode(input: ScanInput, node: TfNode, consts: Map<string, string[]>, sink: Finding[]): void {
  const where = `node ${JSON.stringify(node.name.slice(0, 120))} (${node.scope})`;
  const extra = { offset: node.offset, details: { op: node.op, node: node.name.slice(0, 200), scope: node.scope.slice(0, 200) } };
  if (PYTHON_CALLBACK_OPS.has(node.op)) {
    sink.push(finding(input, 'savedmodel.python-callback-op', 'CRITICAL', `${where} is ${node.op}: it runs a Python function when the graph executes`, extra));
  } else if (FILESYSTEM_OPS.has(node.op)) {
    sink.push(finding(input, 'savedmodel.filesystem-op', 'ERROR', `${where} is ${node.op}: it reads or writes the host file system`, extra));
  } else if (PATH_INPUT_OPS.has(node.op)) {
    const source = node.inputs[0]?.replace(/^\^/, '').replace(/:\d+$/, '');
    const paths = source === undefined ? undefined : consts.get(`${node.scope}\u0000${source}`);
    const bad = paths?.find((p) => externalPathProblem(p) !== undefined);
    if (bad !== undefined) {
      sink.push(finding(input, 'savedmodel.path-outside-model', 'WARNING', `${where} (${node.op}) uses the constant path ${JSON.stringify(bad.slice(0, 200))}, which ${externalPathProblem(bad)}`, extra));
    }
  }
  const sinkAttr = SINK_ATTRS.get(node.op);
  if (sinkAttr) {
    for (const target of node.strings.get(sinkAttr) ?? []) {
      if (/^(file|grpc|https?|gs|s3|hdfs):\/\//i.test(target) || target.startsWith('/')) {
        sink.push(finding(input, 'savedmodel.external-sink', 'ERROR', `${where} (${node.op}) sends data to ${JSON.stringify(target.slice(0, 200))}`, extra));
      }
    }
  }
}

/** SavedModel starts with schema_version=1 then a MetaGraphDef; a frozen GraphDef starts with NodeDef(name, op). */
function sniffKind(head: Buffer): 'savedmodel' | 'graphdef' | undefined {
  const fields = sniffFields(head, 3);
  const [first] = fields ?? [];
  if (!fields || !first) return undefined;
  let i = 0;
  if (first.field === 1 && first.wireType === 0) {
    if (first.value !== 1n) return undefined;
    i = 1;
  }
  const meta = fields[i];
  if (meta?.field === 2 && meta.wireType === 2 && meta.body && meta.body.length > 0) {
    const inner = sniffFields(meta.body, 2);
    if (inner && inner.length > 0 && inner.every((f) => f.field >= 1 && f.field <= 8 && f.wireType === 2)) return 'savedmodel';
    return undefined;
  }
  if (i === 0 && first.field === 1 && first.wireType === 2 && first.body) {
    const [name, op] = sniffFields(first.body, 2) ?? [];
    if (name?.field === 1 && name.wireType === 2 && op?.field === 2 && op.wireType === 2) {
      if (/^[A-Za-z_][A-Za-z0-9_>.-]{0,127}$/.test(op.body?.toString('latin1') ?? '')) return 'graphdef';
    }
  }
  return undefined;
}
