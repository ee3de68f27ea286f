import type { FormatScanner } from '../../core/types';

/** Scanners for Keras, TensorFlow SavedModel, ONNX, safetensors, GGUF and name policies (see their files). */
export const EXTRA_SCANNERS: FormatScanner[] = [];
