import type { ByteReader } from '../io/byte-reader';
import { PickleError } from './pickle-errors';
import { dictGet, isGlobal, type Value } from './values';

/**
 * joblib writes each numpy array's raw bytes straight into the file right after the BUILD of its
 * NumpyArrayWrapper (object arrays: a nested pickle). To keep parsing the outer pickle we size that data from
 * the wrapper's state (shape, dtype, alignment padding) and skip it without reading it.
 */
export interface RawFollow {
  bytes: number;
  /** Since joblib 1.2, arrays in uncompressed files are aligned: one length byte, then that many pad bytes. */
  padded: boolean;
  /** numpy_array_alignment_bytes (16): joblib writes 1..align pad bytes, all 0xff. */
  align?: number;
}

export function joblibArrayFollow(target: Value, state: Value): RawFollow | 'pickle' | 'invalid' | undefined {
  if (target.k !== 'call' || !isGlobal(target.fn, 'joblib.numpy_pickle', 'NumpyArrayWrapper')) return undefined;
  const shape = dictGet(state, 'shape');
  const dtype = dictGet(state, 'dtype');
  if (!shape || shape.k !== 'tuple' || !dtype) return 'invalid';
  const item = dtypeInfo(dtype);
  if (!item) return 'invalid';
  if (item.object) return 'pickle';
  let count = 1;
  for (const d of shape.items) {
    if (d.k !== 'int' || d.v === undefined || d.v < 0) return 'invalid';
    count *= d.v;
  }
  const bytes = count * item.size;
  if (!Number.isSafeInteger(bytes)) return 'invalid';
  const align = dictGet(state, 'numpy_array_alignment_bytes');
  return { bytes, padded: align?.k === 'int' && !!align.v, align: align?.k === 'int' ? align.v : undefined };
}

function dtypeInfo(dtype: Value): { size: number; object: boolean } | undefined {
  if (dtype.k !== 'call' || !isGlobal(dtype.fn, 'numpy', 'dtype') || dtype.args.k !== 'tuple') return undefined;
  const descr = dtype.args.items[0];
  if (!descr || descr.k !== 'str') return undefined;
  const st = dtype.state;
  const flags = st && st.k === 'tuple' ? st.items[7] : undefined;
  const elsize = st && st.k === 'tuple' ? st.items[5] : undefined;
  const object = descr.v.startsWith('O') || (flags?.k === 'int' && flags.v !== undefined && (flags.v & 1) === 1);
  if (object) return { size: 8, object: true };
  if (elsize?.k === 'int' && elsize.v !== undefined && elsize.v > 0) return { size: elsize.v, object: false };
  const m = /^[a-zA-Z](\d+)$/.exec(descr.v);
  if (!m) return undefined;
  const n = Number(m[1]);
  return { size: descr.v.startsWith('U') ? n * 4 : n, object: false };
}

/**
 * Skips one joblib array's raw bytes the way joblib 1.4 reads them (NumpyArrayWrapper.read_array: one pad-length
 * byte, the padding, then the data, all straight from the file) and reports where pickle.load would read the
 * same bytes differently.
 */
export async function skipJoblibArray(reader: ByteReader, follow: RawFollow, frameEnd: number, differential: (why: string) => void, at: number): Promise<void> {
  // NumpyPickler commits the current FRAME before writing the raw bytes: the frame must end exactly here,
  // otherwise joblib reads the file while pickle reads the rest of the frame.
  if (frameEnd >= 0 && reader.pos !== frameEnd) differential('joblib array data starts inside a FRAME: joblib reads the file, pickle reads the frame');
  const pad = follow.padded ? (reader.has(1) || (await reader.fill(1)) ? reader.u8() : undefined) : 0;
  if (pad === undefined || pad + follow.bytes > reader.remaining) throw new PickleError('array data runs past the end of the input', at);
  // write_array pads with 1..alignment bytes of 0xff, where pickle.load stops (0x01-0x10 and 0xff are no
  // opcodes). Any other padding is run as opcodes by a plain unpickler and skipped by joblib.
  if (follow.padded) {
    const align = follow.align ?? 16;
    const padBytes = pad > 0 ? await reader.bytes(pad) : Buffer.alloc(0);
    if (pad === 0 || pad > align || padBytes.some((b) => b !== 0xff)) {
      differential(`joblib array padding of ${pad} bytes is not what joblib writes (1-${align} bytes of 0xff): a plain unpickler runs it as opcodes`);
    }
  }
  reader.skip(follow.bytes);
}
