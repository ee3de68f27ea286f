import type { Finding, FormatScanner, ScanContext, ScanInput } from '../../core/types';
import { sliceInput } from '../../io/inputs';
import { scanPickleStream } from '../../pickle/pickle-stream';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
const MAX_HEADER = 1 << 20;

interface NpyHeader {
  descr: string;
  shape: number[];
  dataOffset: number;
  /** A key appears twice and one of the descr values means object. */
  duplicateKeys: boolean;
}

/**
 * NumPy .npy: a Python-literal header then raw data. Object arrays (`O` anywhere in descr) store their data
 * as a pickle, which `np.load(allow_pickle=True)` runs (CVE-2019-6446), so that payload is scanned.
 */
export const npyScanner: FormatScanner = {
  name: 'numpy',
  canHandle(head) {
    return head.length >= 10 && head.subarray(0, 6).equals(MAGIC);
  },
  async scan(input, ctx) {
    const fail = (message: string): Finding[] => [{ ruleId: 'numpy.malformed', severity: 'ERROR', message, location: { file: input.path }, unscannable: true }];
    const pre = await input.read(0, 12);
    const major = pre[6];
    if (major < 1 || major > 3) return fail(`unsupported .npy version ${major}`);
    const headerLen = major === 1 ? pre.readUInt16LE(8) : pre.readUInt32LE(8);
    const start = major === 1 ? 10 : 12;
    if (headerLen > MAX_HEADER || start + headerLen > input.size) return fail('header length runs past the end of the file');
    const header = parseHeader((await input.read(start, headerLen)).toString(major === 3 ? 'utf8' : 'latin1'), start + headerLen);
    if (!header) return fail('header is not a valid .npy dictionary');
    if (header.duplicateKeys) {
      // ast.literal_eval keeps the LAST value of a repeated key (numpy 2.x format._read_array_header): a
      // header written to be read two ways is an attack on whoever reads it the other way.
      return [{ ruleId: 'numpy.header-differential', severity: 'ERROR', message: 'header repeats a key: numpy uses the last value, other readers the first', location: { file: input.path } }, ...(await objectPayload(input, ctx, header))];
    }
    if (isObjectDescr(header.descr)) {
      const payload = sliceInput(input, header.dataOffset, input.size - header.dataOffset, `${input.path}`);
      const res = await scanPickleStream(payload, ctx, { maxStreams: 1 });
      const notice: Finding = {
        ruleId: 'numpy.object-array',
        severity: 'WARNING',
        message: 'object-dtype array: loading needs allow_pickle=True and runs the embedded pickle',
        location: { file: input.path, offset: header.dataOffset },
      };
      return [notice, ...res.findings];
    }
    const item = itemSize(header.descr);
    const count = header.shape.reduce((a, b) => a * b, 1);
    if (item !== undefined && Number.isSafeInteger(count * item) && count * item > input.size - header.dataOffset) {
      // numpy 2.x format.read_array raises "Failed to read all data for array": no loader reads this file.
      return [{ ruleId: 'numpy.truncated', severity: 'ERROR', unscannable: true, message: `array needs ${count * item} bytes, file holds ${input.size - header.dataOffset}`, location: { file: input.path } }];
    }
    return [];
  },
};

/**
 * Whether numpy's `np.dtype(descr)` is (or contains) the object type: every spelling numpy 2.x accepts for it
 * ('O', '|O', '<O', 'O8', 'object', 'object_'), alone or as a field of a structured descr.
 */
export function isObjectDescr(descr: string): boolean {
  const leaves = descr.startsWith('[') ? [...descr.matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2]) : [descr];
  return leaves.some((l) => /^[|<>=]?(O\d*|object_?)$/.test(l.trim()));
}

async function objectPayload(input: ScanInput, ctx: ScanContext, header: NpyHeader): Promise<Finding[]> {
  const payload = sliceInput(input, header.dataOffset, input.size - header.dataOffset, `${input.path}`);
  return (await scanPickleStream(payload, ctx, { maxStreams: 1 })).findings;
}

function parseHeader(text: string, dataOffset: number): NpyHeader | undefined {
  const t = text.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return undefined;
  const keys = [...t.matchAll(/['"](descr|fortran_order|shape)['"]\s*:/g)].map((m) => m[1]);
  const duplicateKeys = new Set(keys).size !== keys.length;
  // The last occurrence is the one ast.literal_eval keeps.
  const descrs = [...t.matchAll(/['"]descr['"]\s*:\s*('([^']*)'|"([^"]*)"|(\[.*?\]\s*(?=[,}])))/gs)];
  const descr = descrs[descrs.length - 1];
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(t);
  if (!descr || !shape || !/'fortran_order'\s*:\s*(True|False)/.test(t)) return undefined;
  const dims = shape[1].split(',').map((s) => s.trim()).filter(Boolean);
  if (dims.some((d) => !/^\d+L?$/.test(d))) return undefined;
  const anyObject = descrs.some((d) => isObjectDescr(d[2] ?? d[3] ?? d[4]));
  return { descr: descr[2] ?? descr[3] ?? descr[4], shape: dims.map((d) => parseInt(d, 10)), dataOffset, duplicateKeys: duplicateKeys && anyObject };
}

function itemSize(descr: string): number | undefined {
  const m = /^[<>|=]?([a-zA-Z])(\d+)$/.exec(descr);
  if (!m) return undefined;
  return m[1] === 'U' ? Number(m[2]) * 4 : Number(m[2]);
}
