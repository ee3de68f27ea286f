import { classifyPath, type ManifestEntry } from '@modelguard/domain';

/**
 * The bytes a device must load to run the model. A Hub repo often ships the same weights several times (PyTorch,
 * safetensors, TensorFlow, Flax, ONNX, Core ML) and several precisions of one format (`model.fp16.safetensors`,
 * GGUF quantizations); adding them up would count one model four times. So: take one format (the first present in
 * FORMAT_PREFERENCE), and within it, for files that differ only by a precision marker, the smallest one (a user
 * picks the variant that fits); shards of one checkpoint add up.
 */

const FORMAT_PREFERENCE = ['safetensors', 'pytorch', 'gguf', 'onnx', 'tensorflow', 'flax', 'tflite', 'coreml', 'other'] as const;
export type WeightFormat = (typeof FORMAT_PREFERENCE)[number];

/** Training-state files a checkpoint folder carries next to the weights; a deployment never loads them. */
const NOT_WEIGHTS = /(^|\/)(training_args\.bin|optimizer\.(pt|bin)|scheduler\.(pt|bin)|scaler\.pt|rng_state[^/]*\.pth)$/i;
const PRECISION_MARKER = /[._-](fp16|fp32|bf16|f16|f32|int8|int4|uint8|quantized|q\d(_[a-z0-9]+)*)(?=[._-]|$)/gi;

export interface WeightFootprint {
  format: WeightFormat;
  bytes: number;
  files: number;
  /** Precision read from the chosen files' names (`fp16`, `q4_k_m`), when they say. */
  fileDtype?: string;
}

export function weightFormat(path: string): WeightFormat {
  const lower = path.toLowerCase();
  if (lower.includes('.mlpackage/') || lower.endsWith('.mlmodel') || lower.startsWith('coreml/')) return 'coreml';
  if (lower.endsWith('.safetensors')) return 'safetensors';
  if (/\.(bin|pt|pth|ckpt)$/.test(lower)) return 'pytorch';
  if (lower.endsWith('.gguf')) return 'gguf';
  if (lower.endsWith('.onnx')) return 'onnx';
  if (/\.(h5|keras|pb)$/.test(lower)) return 'tensorflow';
  if (lower.endsWith('.msgpack')) return 'flax';
  if (lower.endsWith('.tflite')) return 'tflite';
  return 'other';
}

export function weightFootprint(files: readonly ManifestEntry[]): WeightFootprint | undefined {
  const weights = files.filter((f) => classifyPath(f.path) === 'weights' && !NOT_WEIGHTS.test(f.path) && Number.isFinite(f.size) && f.size > 0);
  if (weights.length === 0) return undefined;
  const format = FORMAT_PREFERENCE.find((fmt) => weights.some((f) => weightFormat(f.path) === fmt)) ?? 'other';
  const chosen = weights.filter((f) => weightFormat(f.path) === format);
  const smallestPerKey = new Map<string, ManifestEntry>();
  for (const file of chosen) {
    const key = file.path.toLowerCase().replace(PRECISION_MARKER, '');
    const current = smallestPerKey.get(key);
    if (!current || file.size < current.size) smallestPerKey.set(key, file);
  }
  const kept = [...smallestPerKey.values()];
  const markers = kept.map((f) => /[._-](fp16|fp32|bf16|f16|f32|int8|int4|uint8|q\d(_[a-z0-9]+)*)(?=[._-]|$)/i.exec(f.path)?.[1]?.toLowerCase());
  const fileDtype = markers.every((m) => m && m === markers[0]) ? markers[0] : undefined;
  return { format, bytes: kept.reduce((n, f) => n + f.size, 0), files: kept.length, fileDtype };
}
