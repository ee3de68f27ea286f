import type { Finding, FormatScanner, ScanContext, ScanInput } from '../../../core/types';
import { readExact } from '../common/bytes';
import { budgetOf, guardedScan } from '../common/findings';
import { ProtobufWalker, sniffFields } from '../common/protobuf-reader';
import { kerasConfigFindings } from '../keras/keras-findings';

const FORMAT = 'savedmodel';
/** LevelDB/TF table footer magic (`kTableMagicNumber`), little-endian in the last 8 bytes of variables.index. */
const TABLE_MAGIC = 0xdb4775248b80fb57n;
const MAX_METADATA_JSON = 32 << 20;

type Kind = 'checkpoint-index' | 'keras-metadata' | 'fingerprint';

/**
 * The other files of a SavedModel directory, so a directory scanned file by file is not "unrecognised":
 * `variables/variables.index` (tensor-bundle table: names and offsets, no code), `fingerprint.pb` (hashes)
 * and `keras_metadata.pb`, whose JSON layer metadata carries the same Lambda/module risks as a Keras
 * config and is analysed as one. (The `variables.data-*` shards are raw tensor bytes with no header: only a
 * directory-aware caller can recognise them.)
 */
export const tfCompanionScanner: FormatScanner = {
  name: 'tf-savedmodel',
  async canHandle(head: Buffer, input: ScanInput): Promise<boolean> {
    return (await sniffKind(head, input)) !== undefined;
  },
  scan(input: ScanInput, ctx: ScanContext): Promise<Finding[]> {
    return guardedScan(input, FORMAT, async (sink) => {
      const head = await readExact(input, 0, Math.min(4096, input.size), 'head');
      if ((await sniffKind(head, input)) !== 'keras-metadata') return;
      const budget = budgetOf(() => ctx.checkBudget());
      const pb = new ProtobufWalker(input, budget);
      let index = 0;
      for await (const node of pb.fields(0, input.size)) {
        if (node.wireType !== 2) continue;
        index++;
        for await (const f of pb.fields(node.start, node.end)) {
          if (f.wireType !== 2 || f.end - f.start < 2) continue;
          const first = (await readExact(input, f.start, 1, 'metadata')).toString('latin1');
          if (first !== '{') continue;
          sink.push(...kerasConfigFindings(input, `keras_metadata.pb object #${index}`, await pb.text(f, MAX_METADATA_JSON, 'metadata'), budget));
        }
      }
    });
  },
};

async function sniffKind(head: Buffer, input: ScanInput): Promise<Kind | undefined> {
  if (input.size >= 48 && looksLikeBundleHeader(head)) {
    const tail = await input.read(input.size - 8, 8);
    if (tail.length === 8 && tail.readBigUInt64LE(0) === TABLE_MAGIC) return 'checkpoint-index';
  }
  const fields = sniffFields(head, 8);
  if (!fields || fields.length === 0) return undefined;
  if (input.size <= 512 && fields.every((f) => (f.field <= 5 && f.wireType === 0) || (f.field === 6 && f.wireType === 2)) && fields[0]?.field === 1) {
    return 'fingerprint';
  }
  const [first] = fields;
  if (first?.field === 1 && first.wireType === 2 && first.body && first.body.includes('_tf_keras_')) return 'keras-metadata';
  return undefined;
}

/**
 * A tensor-bundle index starts with its first table entry: shared=0, non-shared=0 (the empty key), then a
 * BundleHeaderProto (num_shards=1, endianness=2, version=3). Checking the start as well as the footer keeps
 * a zip or text pickle with a forged 8-byte trailer from being waved through as "just an index".
 */
function looksLikeBundleHeader(head: Buffer): boolean {
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0) return false;
  let p = 2;
  let len = 0;
  for (let shift = 0; p < head.length && shift < 28; shift += 7) {
    const b = head.readUInt8(p++);
    len |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
  }
  if (len === 0 || len > 1024) return false;
  const fields = sniffFields(head.subarray(p, p + len), 8);
  return fields !== undefined && fields.length > 0 && fields.every((f) => (f.field <= 2 && f.wireType === 0) || (f.field === 3 && f.wireType === 2));
}
