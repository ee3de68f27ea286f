/** ONNX ModelProto samples encoded with the test protobuf writer (field numbers from onnx.proto). */
import { encode, type PbField } from './protobuf-encoder';

export function node(opType: string, opts: { domain?: string; name?: string; attrs?: PbField[][] } = {}): PbField {
  const msg: PbField[] = [
    { n: 1, bytes: 'x' },
    { n: 2, bytes: 'y' },
    { n: 3, bytes: opts.name ?? `${opType}_0` },
    { n: 4, bytes: opType },
  ];
  for (const a of opts.attrs ?? []) msg.push({ n: 5, msg: a });
  if (opts.domain !== undefined) msg.push({ n: 7, bytes: opts.domain });
  return { n: 1, msg };
}

/** FunctionProto keeps its nodes in field 7 (GraphProto uses field 1). */
function asFunctionNode(f: PbField): PbField {
  return 'msg' in f ? { n: 7, msg: f.msg } : f;
}

export function initializer(name: string, location?: string, bodyBytes = 64): PbField {
  const msg: PbField[] = [
    { n: 1, varint: 4 },
    { n: 1, varint: 4 },
    { n: 2, varint: 1 },
    { n: 8, bytes: name },
  ];
  if (location === undefined) {
    msg.push({ n: 9, bytes: Buffer.alloc(bodyBytes, 0x3f) });
  } else {
    msg.push(
      { n: 13, msg: [{ n: 1, bytes: 'location' }, { n: 2, bytes: location }] },
      { n: 13, msg: [{ n: 1, bytes: 'offset' }, { n: 2, bytes: '0' }] },
      { n: 13, msg: [{ n: 1, bytes: 'length' }, { n: 2, bytes: '64' }] },
      { n: 14, varint: 1 },
    );
  }
  return { n: 5, msg };
}

export function graph(items: PbField[]): PbField[] {
  return [...items, { n: 2, bytes: 'main_graph' }];
}

export function model(graphFields: PbField[], extra: PbField[] = [], opsets: [string, number][] = [['', 17]]): Buffer {
  return encode([
    { n: 1, varint: 8 },
    { n: 2, bytes: 'modelguard-tests' },
    { n: 3, bytes: '1.0' },
    ...opsets.map(([domain, version]): PbField => ({ n: 8, msg: [{ n: 1, bytes: domain }, { n: 2, varint: version }] })),
    { n: 7, msg: graphFields },
    ...extra,
  ]);
}

export function benignOnnx(): Buffer {
  return model(
    graph([
      node('MatMul'),
      node('Add'),
      node('Relu'),
      node('LinearClassifier', { domain: 'ai.onnx.ml' }),
      initializer('W', 'weights/model.onnx.data'),
      initializer('b'),
    ]),
    [],
    [['', 17], ['ai.onnx.ml', 3]],
  );
}

/** An If node whose then_branch subgraph (attribute g) contains `inner`, nested `depth` times. */
export function nestedIf(inner: PbField, depth: number): PbField {
  let current = inner;
  for (let i = 0; i < depth; i++) {
    current = node('If', { attrs: [[{ n: 1, bytes: 'then_branch' }, { n: 20, varint: 5 }, { n: 6, msg: graph([current]) }]] });
  }
  return current;
}

export function maliciousOnnx(): Record<string, [Buffer, string]> {
  return {
    'absolute external data path': [model(graph([node('MatMul'), initializer('W', '/etc/passwd')])), 'onnx.external-data-traversal'],
    'dot-dot external data path': [model(graph([node('MatMul'), initializer('W', 'weights/../../../../root/.ssh/id_rsa')])), 'onnx.external-data-traversal'],
    'windows drive path': [model(graph([initializer('W', 'C:\\Windows\\win.ini')])), 'onnx.external-data-traversal'],
    'backslash traversal': [model(graph([initializer('W', '..\\..\\secret')])), 'onnx.external-data-traversal'],
    'file URL': [model(graph([initializer('W', 'file:///etc/shadow')])), 'onnx.external-data-traversal'],
    'traversal inside a Loop body': [model(graph([nestedIf(initializer('W', '../x'), 3)])), 'onnx.external-data-traversal'],
    'custom op domain': [model(graph([node('EvilOp', { domain: 'com.attacker' })])), 'onnx.custom-operator-domain'],
    'custom op in a nested subgraph': [model(graph([nestedIf(node('Hook', { domain: 'org.evil' }), 2)])), 'onnx.custom-operator-domain'],
    'custom op in a function': [model(graph([node('Relu')]), [{ n: 25, msg: [{ n: 1, bytes: 'f' }, { n: 10, bytes: 'local' }, asFunctionNode(node('Exec', { domain: 'my.ops' }))] }]), 'onnx.custom-operator-domain'],
    'custom opset import': [model(graph([node('Relu')]), [], [['', 17], ['com.evil', 1]]), 'onnx.custom-operator-domain'],
    'subgraphs nested too deep': [model(graph([nestedIf(node('Relu'), 40)])), 'onnx.unscannable'],
  };
}
