/** Field numbers from saved_model.proto, meta_graph.proto, graph.proto, node_def.proto, function.proto, attr_value.proto, tensor.proto. */
export const SAVED_MODEL = { schemaVersion: 1, metaGraphs: 2 } as const;
export const META_GRAPH = { graphDef: 2 } as const;
export const GRAPH_DEF = { node: 1, library: 2 } as const;
export const NODE_DEF = { name: 1, op: 2, input: 3, attr: 5 } as const;
export const ATTR_ENTRY = { key: 1, value: 2 } as const;
export const ATTR_VALUE = { list: 1, s: 2, tensor: 8, func: 10 } as const;
export const LIST_VALUE = { s: 2 } as const;
export const TENSOR = { stringVal: 8 } as const;
export const FUNCTION_LIBRARY = { function: 1 } as const;
export const FUNCTION_DEF = { signature: 1, nodeDef: 3 } as const;
export const OP_DEF = { name: 1 } as const;
