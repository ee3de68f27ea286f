/**
 * A minimal protobuf wire-format *writer* for test fixtures (TensorFlow and ONNX are not installed here).
 * Field numbers come from onnx.proto, saved_model.proto, meta_graph.proto, graph.proto, node_def.proto and
 * function.proto.
 */
export type PbField =
  | { n: number; varint: number | bigint }
  | { n: number; bytes: Buffer | string }
  | { n: number; msg: PbField[] };

export function varint(v: number | bigint): Buffer {
  let x = BigInt(v);
  if (x < 0n) x += 1n << 64n;
  const out: number[] = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x > 0n) b |= 0x80;
    out.push(b);
  } while (x > 0n);
  return Buffer.from(out);
}

export function encode(fields: PbField[]): Buffer {
  const parts: Buffer[] = [];
  for (const f of fields) {
    if ('varint' in f) {
      parts.push(varint(f.n << 3), varint(f.varint));
    } else {
      const body = 'msg' in f ? encode(f.msg) : Buffer.isBuffer(f.bytes) ? f.bytes : Buffer.from(f.bytes, 'utf8');
      parts.push(varint((f.n << 3) | 2), varint(body.length), body);
    }
  }
  return Buffer.concat(parts);
}
