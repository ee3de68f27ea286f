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
  return { bytes, padded: align?.k === 'int' && !!align.v };
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
