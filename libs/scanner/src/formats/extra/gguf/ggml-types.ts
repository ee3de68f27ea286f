/**
 * Block layout (elements per block, bytes per block) of the ggml tensor types whose size we check.
 * Types absent here (newer IQ quantisations) are accepted with an offset-only bounds check, so a table gap
 * never turns a valid model into an error.
 */
export const GGML_TYPE_LAYOUT: ReadonlyMap<number, { name: string; blockElems: number; blockBytes: number }> = new Map([
  [0, { name: 'F32', blockElems: 1, blockBytes: 4 }],
  [1, { name: 'F16', blockElems: 1, blockBytes: 2 }],
  [2, { name: 'Q4_0', blockElems: 32, blockBytes: 18 }],
  [3, { name: 'Q4_1', blockElems: 32, blockBytes: 20 }],
  [6, { name: 'Q5_0', blockElems: 32, blockBytes: 22 }],
  [7, { name: 'Q5_1', blockElems: 32, blockBytes: 24 }],
  [8, { name: 'Q8_0', blockElems: 32, blockBytes: 34 }],
  [9, { name: 'Q8_1', blockElems: 32, blockBytes: 36 }],
  [10, { name: 'Q2_K', blockElems: 256, blockBytes: 84 }],
  [11, { name: 'Q3_K', blockElems: 256, blockBytes: 110 }],
  [12, { name: 'Q4_K', blockElems: 256, blockBytes: 144 }],
  [13, { name: 'Q5_K', blockElems: 256, blockBytes: 176 }],
  [14, { name: 'Q6_K', blockElems: 256, blockBytes: 210 }],
  [15, { name: 'Q8_K', blockElems: 256, blockBytes: 292 }],
  [24, { name: 'I8', blockElems: 1, blockBytes: 1 }],
  [25, { name: 'I16', blockElems: 1, blockBytes: 2 }],
  [26, { name: 'I32', blockElems: 1, blockBytes: 4 }],
  [27, { name: 'I64', blockElems: 1, blockBytes: 8 }],
  [28, { name: 'F64', blockElems: 1, blockBytes: 8 }],
  [30, { name: 'BF16', blockElems: 1, blockBytes: 2 }],
]);

/** Highest ggml type id known to exist (newer ones are reported as a warning, not an error). */
export const GGML_MAX_KNOWN_TYPE = 39;
