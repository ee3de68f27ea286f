/** Field numbers from onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, …). */
export const MODEL = { irVersion: 1, producerName: 2, opsetImport: 8, graph: 7, trainingInfo: 20, functions: 25 } as const;
export const OPSET = { domain: 1, version: 2 } as const;
export const GRAPH = { node: 1, name: 2, initializer: 5, sparseInitializer: 15 } as const;
export const NODE = { name: 3, opType: 4, attribute: 5, domain: 7 } as const;
export const ATTRIBUTE = { name: 1, t: 5, g: 6, tensors: 10, graphs: 11, sparseTensor: 22, sparseTensors: 23 } as const;
export const TENSOR = { name: 8, externalData: 13, dataLocation: 14 } as const;
export const SPARSE_TENSOR = { values: 1, indices: 2 } as const;
export const STRING_ENTRY = { key: 1, value: 2 } as const;
export const FUNCTION = { name: 1, node: 7, opsetImport: 9, domain: 10 } as const;
export const TRAINING_INFO = { initialization: 1, algorithm: 2 } as const;

/** Operator domains shipped with onnxruntime; anything else needs a custom-op library to load. */
export const STANDARD_DOMAINS: ReadonlySet<string> = new Set(['', 'ai.onnx', 'ai.onnx.ml', 'ai.onnx.preview.training', 'com.microsoft']);

/** Fields that may legally appear at the top level of a ModelProto (used to sniff content). */
export const MODEL_FIELDS: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6, 7, 8, 14, 20, 25]);
