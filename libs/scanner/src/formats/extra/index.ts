import type { FormatScanner } from '../../core/types';
import { namePolicyScanner } from '../../policy';
import { ggufScanner } from './gguf/gguf.scanner';
import { kerasH5Scanner } from './keras/keras-h5.scanner';
import { kerasV3Scanner } from './keras/keras-v3.scanner';
import { onnxScanner } from './onnx/onnx.scanner';
import { safetensorsScanner } from './safetensors/safetensors.scanner';
import { savedModelScanner } from './savedmodel/savedmodel.scanner';
import { tfCompanionScanner } from './savedmodel/tf-companion.scanner';
import { chatTemplateScanner } from './templates/chat-template.scanner';

/**
 * Scanners for Keras (.h5, .keras), TensorFlow SavedModel / GraphDef, ONNX, safetensors, GGUF, chat
 * templates (tokenizer_config.json, chat_template.jinja) and the model-name policy. Every one detects its input by content. Order matters only for zips: `kerasV3Scanner`
 * must be offered a zip before the engine's generic archive scanner.
 */
export const EXTRA_SCANNERS: FormatScanner[] = [
  kerasV3Scanner,
  safetensorsScanner,
  ggufScanner,
  kerasH5Scanner,
  onnxScanner,
  savedModelScanner,
  tfCompanionScanner,
  chatTemplateScanner,
  namePolicyScanner,
];

export { ggufScanner, kerasH5Scanner, kerasV3Scanner, onnxScanner, safetensorsScanner, savedModelScanner, tfCompanionScanner, chatTemplateScanner, namePolicyScanner };
export { scanJinjaTemplate, type TemplateIssue } from './gguf/chat-template';
export { analyzeKerasConfig, type KerasIssue } from './keras/keras-config.analyzer';
export { externalPathProblem } from './onnx/external-data-path';
export { SAFETENSORS_MAX_HEADER } from './safetensors/safetensors.scanner';
export { GGUF_LIMITS } from './gguf/gguf-reader';
