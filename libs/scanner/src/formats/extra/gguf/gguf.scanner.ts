import type { Finding, FormatScanner, ScanContext, ScanInput } from '../../../core/types';
import { budgetOf, finding, guardedScan } from '../common/findings';
import { scanJinjaTemplate } from './chat-template';
import { GGML_MAX_KNOWN_TYPE, GGML_TYPE_LAYOUT } from './ggml-types';
import { readGgufHeader, type GgufHeader } from './gguf-reader';

const FORMAT = 'gguf';
const MAX_ALIGNMENT = 1 << 16;

/** GGUF (llama.cpp): validates the header/tensor table and scans embedded Jinja chat templates for SSTI. */
export const ggufScanner: FormatScanner = {
  name: 'gguf',
  canHandle(head: Buffer): boolean {
    return head.length >= 8 && head.toString('latin1', 0, 4) === 'GGUF';
  },
  scan(input: ScanInput, ctx: ScanContext): Promise<Finding[]> {
    return guardedScan(input, FORMAT, async (sink) => {
      const header = await readGgufHeader(input, budgetOf(() => ctx.checkBudget()));
      checkTemplates(input, header, sink);
      checkTensors(input, header, sink);
    });
  },
};

function checkTemplates(input: ScanInput, header: GgufHeader, sink: Finding[]): void {
  for (const key of header.nonStringTemplates) {
    sink.push(finding(input, 'gguf.bad-metadata', 'ERROR', `${JSON.stringify(key.slice(0, 120))} must be a string (a template smuggled in another type is never checked)`));
  }
  for (const [key, value] of header.kv) {
    if (!key.startsWith('tokenizer.chat_template') || typeof value !== 'string') continue;
    for (const issue of scanJinjaTemplate(value)) {
      const bad = issue.unscannable === true;
      sink.push(
        finding(input, bad ? 'gguf.chat-template-unparseable' : 'gguf.chat-template-injection', 'ERROR',
          `${key}: ${bad ? 'template cannot be analysed' : 'sandbox escape'} (${issue.rule}) ${JSON.stringify(issue.snippet)}`,
          { details: { key, pattern: issue.rule, snippet: issue.snippet }, unscannable: bad }),
      );
    }
  }
}

function checkTensors(input: ScanInput, header: GgufHeader, sink: Finding[]): void {
  const alignValue = header.kv.get('general.alignment');
  let alignment = 32;
  if (alignValue !== undefined) {
    const a = typeof alignValue === 'bigint' ? Number(alignValue) : typeof alignValue === 'number' ? alignValue : NaN;
    if (!Number.isInteger(a) || a <= 0 || a > MAX_ALIGNMENT || (a & (a - 1)) !== 0) {
      sink.push(finding(input, 'gguf.bad-alignment', 'ERROR', `general.alignment ${String(alignValue)} is not a power of two up to ${MAX_ALIGNMENT}`));
      return;
    }
    alignment = a;
  }
  const dataStart = Math.ceil(header.infoEnd / alignment) * alignment;
  const dataSize = BigInt(Math.max(0, input.size - dataStart));
  const names = new Set<string>();
  const spans: { name: string; begin: bigint; end: bigint }[] = [];
  for (const t of header.tensors) {
    const label = JSON.stringify(t.name.slice(0, 80));
    if (names.has(t.name)) sink.push(finding(input, 'gguf.duplicate-tensor', 'ERROR', `tensor ${label} is defined twice`, { offset: t.at }));
    names.add(t.name);
    if (t.type > GGML_MAX_KNOWN_TYPE) {
      sink.push(finding(input, 'gguf.unknown-tensor-type', 'ERROR', `tensor ${label} has unknown ggml type ${t.type}`, { offset: t.at }));
      continue;
    }
    if (t.offset % BigInt(alignment) !== 0n) sink.push(finding(input, 'gguf.misaligned-tensor', 'ERROR', `tensor ${label} offset ${t.offset} is not ${alignment}-byte aligned`, { offset: t.at }));
    const layout = GGML_TYPE_LAYOUT.get(t.type);
    let bytes = 0n;
    if (layout) {
      const elems = t.dims.reduce((a, d) => a * d, 1n);
      if (elems % BigInt(layout.blockElems) !== 0n) {
        sink.push(finding(input, 'gguf.bad-tensor-shape', 'ERROR', `tensor ${label}: ${elems} elements is not a multiple of the ${layout.name} block size`, { offset: t.at }));
        continue;
      }
      bytes = (elems / BigInt(layout.blockElems)) * BigInt(layout.blockBytes);
    }
    if (t.offset + bytes > dataSize) {
      sink.push(finding(input, 'gguf.tensor-out-of-bounds', 'ERROR', `tensor ${label} [${t.offset}, ${t.offset + bytes}) runs past the ${dataSize}-byte data section`, { offset: t.at }));
      continue;
    }
    spans.push({ name: t.name, begin: t.offset, end: t.offset + bytes });
  }
  spans.sort((a, b) => (a.begin < b.begin ? -1 : a.begin > b.begin ? 1 : 0));
  for (const [i, cur] of spans.entries()) {
    const prev = spans[i - 1];
    if (prev && cur.begin < prev.end) {
      sink.push(finding(input, 'gguf.tensor-overlap', 'ERROR', `tensors ${JSON.stringify(prev.name.slice(0, 80))} and ${JSON.stringify(cur.name.slice(0, 80))} overlap`));
    }
  }
}
