import type { Finding, FormatScanner, ScanContext, ScanInput } from '../../../core/types';
import { budgetOf, finding, FormatError, guardedScan } from '../common/findings';
import { ProtobufWalker, sniffFields, type PbField } from '../common/protobuf-reader';
import { externalPathProblem } from './external-data-path';
import { ATTRIBUTE, FUNCTION, GRAPH, MODEL, MODEL_FIELDS, NODE, OPSET, SPARSE_TENSOR, STANDARD_DOMAINS, STRING_ENTRY, TENSOR, TRAINING_INFO } from './onnx-fields';

const FORMAT = 'onnx';
/** If/Loop/Scan bodies nest graphs; real models stay below ~10 levels. */
const MAX_GRAPH_DEPTH = 32;
const MAX_STRING = 64 * 1024;

/** ONNX ModelProto: custom operator domains, external-data path traversal, nested subgraphs and functions. */
export const onnxScanner: FormatScanner = {
  name: 'onnx',
  canHandle(head: Buffer): boolean {
    const fields = sniffFields(head, 6);
    if (!fields || fields.length < 2) return false;
    const [first] = fields;
    // Exporters write ir_version (field 1) first; IR 3 is ONNX 1.0, and anything past 20 is not a real version.
    if (first?.field !== MODEL.irVersion || first.wireType !== 0 || first.value === undefined || first.value < 3n || first.value > 20n) return false;
    return fields.every((f) => MODEL_FIELDS.has(f.field) && (f.field === MODEL.irVersion || f.field === 5 ? f.wireType === 0 : f.wireType === 2));
  },
  scan(input: ScanInput, ctx: ScanContext): Promise<Finding[]> {
    return guardedScan(input, FORMAT, (sink) => new OnnxWalk(input, ctx, sink).model());
  },
};

class OnnxWalk {
  private readonly pb: ProtobufWalker;
  private readonly reportedDomains = new Set<string>();

  constructor(
    private readonly input: ScanInput,
    ctx: ScanContext,
    private readonly sink: Finding[],
  ) {
    this.pb = new ProtobufWalker(input, budgetOf(() => ctx.checkBudget()));
  }

  async model(): Promise<void> {
    let sawGraph = false;
    for await (const f of this.pb.fields(0, this.input.size)) {
      if (f.field === MODEL.graph && f.wireType === 2) {
        sawGraph = true;
        await this.graph(f, 0, 'graph');
      } else if (f.field === MODEL.opsetImport && f.wireType === 2) {
        await this.opset(f);
      } else if (f.field === MODEL.functions && f.wireType === 2) {
        await this.func(f);
      } else if (f.field === MODEL.trainingInfo && f.wireType === 2) {
        for await (const t of this.pb.fields(f.start, f.end)) {
          if ((t.field === TRAINING_INFO.initialization || t.field === TRAINING_INFO.algorithm) && t.wireType === 2) await this.graph(t, 1, 'training');
        }
      }
    }
    if (!sawGraph) throw new FormatError('ModelProto has no graph');
  }

  private async opset(f: PbField): Promise<void> {
    let domain = '';
    let version: bigint | undefined;
    for await (const o of this.pb.fields(f.start, f.end)) {
      if (o.field === OPSET.domain && o.wireType === 2) domain = await this.pb.text(o, MAX_STRING, 'opset domain');
      if (o.field === OPSET.version && o.wireType === 0) version = o.value;
    }
    if (!STANDARD_DOMAINS.has(domain)) this.customDomain(domain, 'opset_import', f.start);
    if (version !== undefined && (version < 1n || version > 1000n)) {
      this.sink.push(finding(this.input, 'onnx.bad-opset', 'WARNING', `opset_import ${JSON.stringify(domain)} has implausible version ${version}`, { offset: f.start }));
    }
  }

  private async graph(f: PbField, depth: number, where: string): Promise<void> {
    if (depth > MAX_GRAPH_DEPTH) throw new FormatError(`subgraphs nested deeper than ${MAX_GRAPH_DEPTH}`, f.start);
    for await (const g of this.pb.fields(f.start, f.end)) {
      if (g.wireType !== 2) continue;
      if (g.field === GRAPH.node) await this.node(g, depth, where);
      else if (g.field === GRAPH.initializer) await this.tensor(g, `${where} initializer`);
      else if (g.field === GRAPH.sparseInitializer) await this.sparse(g, `${where} sparse initializer`);
    }
  }

  private async node(f: PbField, depth: number, where: string): Promise<void> {
    let opType = '';
    let domain = '';
    let name = '';
    const attributes: PbField[] = [];
    for await (const n of this.pb.fields(f.start, f.end)) {
      if (n.wireType !== 2) continue;
      if (n.field === NODE.opType) opType = await this.pb.text(n, MAX_STRING, 'op_type');
      else if (n.field === NODE.domain) domain = await this.pb.text(n, MAX_STRING, 'node domain');
      else if (n.field === NODE.name) name = await this.pb.text(n, MAX_STRING, 'node name');
      else if (n.field === NODE.attribute) attributes.push(n);
    }
    if (!STANDARD_DOMAINS.has(domain)) this.customDomain(domain, `${where} node ${JSON.stringify(name || opType)} (${opType})`, f.start);
    for (const a of attributes) await this.attribute(a, depth, `${where}/${name || opType}`);
  }

  private async attribute(f: PbField, depth: number, where: string): Promise<void> {
    for await (const a of this.pb.fields(f.start, f.end)) {
      if (a.wireType !== 2) continue;
      if (a.field === ATTRIBUTE.g || a.field === ATTRIBUTE.graphs) await this.graph(a, depth + 1, `${where} subgraph`);
      else if (a.field === ATTRIBUTE.t || a.field === ATTRIBUTE.tensors) await this.tensor(a, `${where} attribute`);
      else if (a.field === ATTRIBUTE.sparseTensor || a.field === ATTRIBUTE.sparseTensors) await this.sparse(a, `${where} attribute`);
    }
  }

  private async func(f: PbField): Promise<void> {
    let name = '';
    const nodes: PbField[] = [];
    for await (const fn of this.pb.fields(f.start, f.end)) {
      if (fn.wireType !== 2) continue;
      if (fn.field === FUNCTION.name) name = await this.pb.text(fn, MAX_STRING, 'function name');
      else if (fn.field === FUNCTION.node) nodes.push(fn);
      else if (fn.field === FUNCTION.opsetImport) await this.opset(fn);
    }
    for (const n of nodes) await this.node(n, 1, `function ${JSON.stringify(name)}`);
  }

  private async sparse(f: PbField, where: string): Promise<void> {
    for await (const s of this.pb.fields(f.start, f.end)) {
      if ((s.field === SPARSE_TENSOR.values || s.field === SPARSE_TENSOR.indices) && s.wireType === 2) await this.tensor(s, where);
    }
  }

  /** Tensor bodies are skipped; only `name` and `external_data` entries are decoded. */
  private async tensor(f: PbField, where: string): Promise<void> {
    let name = '';
    for await (const t of this.pb.fields(f.start, f.end)) {
      if (t.field === TENSOR.name && t.wireType === 2) name = await this.pb.text(t, MAX_STRING, 'tensor name');
      if (t.field !== TENSOR.externalData || t.wireType !== 2) continue;
      let key = '';
      let value = '';
      for await (const e of this.pb.fields(t.start, t.end)) {
        if (e.field === STRING_ENTRY.key && e.wireType === 2) key = await this.pb.text(e, MAX_STRING, 'external_data key');
        if (e.field === STRING_ENTRY.value && e.wireType === 2) value = await this.pb.text(e, MAX_STRING, 'external_data value');
      }
      if (key === 'location') this.location(value, name, where, t.start);
      if ((key === 'offset' || key === 'length') && !/^\d{1,19}$/.test(value)) {
        this.sink.push(finding(this.input, 'onnx.external-data-invalid', 'ERROR', `${where} tensor ${JSON.stringify(name)}: external_data ${key} ${JSON.stringify(value.slice(0, 40))} is not a non-negative integer`, { offset: t.start }));
      }
    }
  }

  private location(value: string, tensor: string, where: string, offset: number): void {
    const problem = externalPathProblem(value);
    if (!problem) return;
    this.sink.push(
      finding(this.input, 'onnx.external-data-traversal', 'ERROR', `${where} tensor ${JSON.stringify(tensor)} loads external data from ${JSON.stringify(value.slice(0, 200))}, which ${problem} (escapes the model folder)`, {
        offset,
        details: { tensor, location: value.slice(0, 1000) },
      }),
    );
  }

  private customDomain(domain: string, where: string, offset: number): void {
    if (this.reportedDomains.has(domain)) return;
    this.reportedDomains.add(domain);
    this.sink.push(
      finding(this.input, 'onnx.custom-operator-domain', 'WARNING', `${where} uses operator domain ${JSON.stringify(domain.slice(0, 200))}, which needs a custom-op library (native code) to load`, {
        offset,
        details: { domain },
      }),
    );
  }
}
