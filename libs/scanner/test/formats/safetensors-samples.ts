/** Builds safetensors samples: one valid file and one malicious/malformed variant per check. */
export function safetensorsFile(header: unknown, data: Buffer, rawHeader?: string): Buffer {
  const text = rawHeader ?? JSON.stringify(header);
  const h = Buffer.from(text, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  return Buffer.concat([len, h, data]);
}

export function benignSafetensors(): Buffer {
  const header = {
    __metadata__: { format: 'pt' },
    'layer.weight': { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] },
    'layer.bias': { dtype: 'F16', shape: [3], data_offsets: [24, 30] },
    'emb': { dtype: 'BF16', shape: [0, 4], data_offsets: [30, 30] },
  };
  return safetensorsFile(header, Buffer.alloc(30, 1));
}

const w = (o: [number, number], shape = [2, 3], dtype = 'F32') => ({ dtype, shape, data_offsets: o });

/** name -> [sample, expected rule id] */
export function maliciousSafetensors(): Record<string, [Buffer, string]> {
  const hugeLen = Buffer.alloc(16);
  hugeLen.writeBigUInt64LE(1n << 63n);
  hugeLen.write('{}', 8);
  const pastEnd = Buffer.alloc(16);
  pastEnd.writeBigUInt64LE(5000n);
  pastEnd.write('{"a":1}', 8);
  return {
    'header length 2^63': [hugeLen, 'safetensors.header-too-large'],
    'header past EOF': [pastEnd, 'safetensors.header-out-of-bounds'],
    'offsets past data': [safetensorsFile({ a: w([0, 24]) }, Buffer.alloc(10)), 'safetensors.offset-out-of-bounds'],
    'overlapping tensors': [safetensorsFile({ a: w([0, 24]), b: w([12, 36]) }, Buffer.alloc(36)), 'safetensors.overlap'],
    'dtype/shape mismatch': [safetensorsFile({ a: w([0, 20]) }, Buffer.alloc(20)), 'safetensors.dtype-shape-mismatch'],
    'gap between tensors': [safetensorsFile({ a: w([0, 24]), b: w([40, 64]) }, Buffer.alloc(64)), 'safetensors.gap'],
    'trailing payload': [safetensorsFile({ a: w([0, 24]) }, Buffer.concat([Buffer.alloc(24), Buffer.from('\x80\x04cos\nsystem\n')])), 'safetensors.trailing-bytes'],
    'unknown dtype': [safetensorsFile({ a: w([0, 24], [2, 3], 'OBJECT') }, Buffer.alloc(24)), 'safetensors.unknown-dtype'],
    'negative shape': [safetensorsFile({ a: w([0, 24], [-2, 3]) }, Buffer.alloc(24)), 'safetensors.bad-shape'],
    'non-string metadata': [safetensorsFile({ __metadata__: { cfg: { nested: 1 } }, a: w([0, 24]) }, Buffer.alloc(24)), 'safetensors.bad-metadata'],
    'duplicate keys': [safetensorsFile(null, Buffer.alloc(24), '{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"a":{"dtype":"F32","shape":[6],"data_offsets":[0,24]}}'), 'safetensors.unscannable'],
    'truncated JSON header': [safetensorsFile(null, Buffer.alloc(0), '{"x":[1'), 'safetensors.unscannable'],
    'shape overflow': [safetensorsFile({ a: w([0, 8], [2 ** 40, 2 ** 40, 2 ** 40]) }, Buffer.alloc(8)), 'safetensors.dtype-shape-mismatch'],
  };
}
