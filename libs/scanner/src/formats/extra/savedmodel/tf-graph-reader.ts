import type { ScanInput } from '../../../core/types';
import { FormatError } from '../common/findings';
import { ProtobufWalker, type PbField } from '../common/protobuf-reader';
import { ATTR_ENTRY, ATTR_VALUE, FUNCTION_DEF, FUNCTION_LIBRARY, GRAPH_DEF, LIST_VALUE, META_GRAPH, NODE_DEF, OP_DEF, SAVED_MODEL, TENSOR } from './savedmodel-fields';

const MAX_NAME = 64 * 1024;
const MAX_ATTR_STRING = 4096;
const MAX_STRINGS_PER_NODE = 256;

/** The parts of a NodeDef the checks need; tensor contents are never decoded beyond short string constants. */
export interface TfNode {
  name: string;
  op: string;
  inputs: string[];
  /** String attribute values by attribute name (`s`, `list.s`, `func.name`, and string tensors of Const). */
  strings: Map<string, string[]>;
  /** Where it lives: `graph` or `function <name>`. */
  scope: string;
  offset: number;
}

export interface TfGraphContents {
  nodes: TfNode[];
  /** Names of functions defined in the graph's library: calling them is not a custom op. */
  functions: Set<string>;
}

/** Reads a SavedModel (or a bare GraphDef when `bareGraph`) into a flat list of nodes, graph and library. */
export async function readTfGraph(input: ScanInput, budget: () => void, bareGraph: boolean): Promise<TfGraphContents> {
  const pb = new ProtobufWalker(input, budget);
  const out: TfGraphContents = { nodes: [], functions: new Set() };
  if (bareGraph) {
    await readGraphDef(pb, { start: 0, end: input.size }, out);
    return out;
  }
  let metaGraphs = 0;
  for await (const f of pb.fields(0, input.size)) {
    if (f.field !== SAVED_MODEL.metaGraphs || f.wireType !== 2) continue;
    metaGraphs++;
    for await (const m of pb.fields(f.start, f.end)) {
      if (m.field === META_GRAPH.graphDef && m.wireType === 2) await readGraphDef(pb, m, out);
    }
  }
  if (metaGraphs === 0) throw new FormatError('SavedModel has no MetaGraphDef');
  return out;
}

async function readGraphDef(pb: ProtobufWalker, range: { start: number; end: number }, out: TfGraphContents): Promise<void> {
  for await (const g of pb.fields(range.start, range.end)) {
    if (g.wireType !== 2) continue;
    if (g.field === GRAPH_DEF.node) out.nodes.push(await readNode(pb, g, 'graph'));
    else if (g.field === GRAPH_DEF.library) await readLibrary(pb, g, out);
  }
}

async function readLibrary(pb: ProtobufWalker, lib: PbField, out: TfGraphContents): Promise<void> {
  for await (const l of pb.fields(lib.start, lib.end)) {
    if (l.field !== FUNCTION_LIBRARY.function || l.wireType !== 2) continue;
    let name = '';
    const bodies: PbField[] = [];
    for await (const fn of pb.fields(l.start, l.end)) {
      if (fn.wireType !== 2) continue;
      if (fn.field === FUNCTION_DEF.signature) {
        for await (const s of pb.fields(fn.start, fn.end)) {
          if (s.field === OP_DEF.name && s.wireType === 2) name = await pb.text(s, MAX_NAME, 'function name');
        }
      } else if (fn.field === FUNCTION_DEF.nodeDef) {
        bodies.push(fn);
      }
    }
    out.functions.add(name);
    for (const b of bodies) out.nodes.push(await readNode(pb, b, `function ${name}`));
  }
}

async function readNode(pb: ProtobufWalker, f: PbField, scope: string): Promise<TfNode> {
  const node: TfNode = { name: '', op: '', inputs: [], strings: new Map(), scope, offset: f.start };
  for await (const n of pb.fields(f.start, f.end)) {
    if (n.wireType !== 2) continue;
    if (n.field === NODE_DEF.name) node.name = await pb.text(n, MAX_NAME, 'node name');
    else if (n.field === NODE_DEF.op) node.op = await pb.text(n, MAX_NAME, 'node op');
    else if (n.field === NODE_DEF.input && node.inputs.length < 4) node.inputs.push(await pb.text(n, MAX_NAME, 'node input'));
    else if (n.field === NODE_DEF.attr) await readAttr(pb, n, node);
  }
  return node;
}

/** Collects short strings from one `map<string, AttrValue>` entry; everything else is skipped. */
async function readAttr(pb: ProtobufWalker, entry: PbField, node: TfNode): Promise<void> {
  let key = '';
  let value: PbField | undefined;
  for await (const e of pb.fields(entry.start, entry.end)) {
    if (e.field === ATTR_ENTRY.key && e.wireType === 2) key = await pb.text(e, MAX_NAME, 'attr key');
    if (e.field === ATTR_ENTRY.value && e.wireType === 2) value = e;
  }
  if (!value) return;
  const strings: string[] = [];
  const take = async (s: PbField, what: string): Promise<void> => {
    if (strings.length >= MAX_STRINGS_PER_NODE) return;
    // Long strings are truncated, not decoded: checks only need the prefix (scheme, leading "/", "..").
    const len = Math.min(s.end - s.start, MAX_ATTR_STRING);
    strings.push(await pb.text({ ...s, end: s.start + len }, MAX_ATTR_STRING, what).catch(() => '\uFFFD(binary)'));
  };
  for await (const v of pb.fields(value.start, value.end)) {
    if (v.wireType !== 2) continue;
    if (v.field === ATTR_VALUE.s) await take(v, 'attr string');
    else if (v.field === ATTR_VALUE.list) {
      for await (const l of pb.fields(v.start, v.end)) if (l.field === LIST_VALUE.s && l.wireType === 2) await take(l, 'attr list string');
    } else if (v.field === ATTR_VALUE.func) {
      for await (const fn of pb.fields(v.start, v.end)) if (fn.field === 1 && fn.wireType === 2) await take(fn, 'attr func name');
    } else if (v.field === ATTR_VALUE.tensor && node.op === 'Const') {
      for await (const t of pb.fields(v.start, v.end)) if (t.field === TENSOR.stringVal && t.wireType === 2) await take(t, 'const string');
    }
  }
  node.strings.set(key, strings);
}
