import type { ManifestEntry } from './manifest-entry';

/** What a package file is for; downloads select parts by it and scoring and lineage read the files of one kind. */
export const FILE_KINDS = ['weights', 'config', 'docs', 'code', 'datasets', 'other'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/** A manifest entry together with its kind. The kind is derived from the path, so it is never stored or sent. */
export interface ClassifiedManifestEntry extends ManifestEntry {
  kind: FileKind;
}

const WEIGHT_EXT = ['.safetensors', '.bin', '.pt', '.pth', '.ckpt', '.h5', '.onnx', '.gguf', '.msgpack', '.tflite', '.pb', '.keras', '.mlmodel', '.npz'];
const DATA_EXT = ['.parquet', '.csv', '.jsonl', '.arrow', '.tsv'];
const CODE_EXT = ['.py', '.ipynb', '.js', '.ts', '.sh', '.cpp', '.c', '.h', '.cu', '.rs', '.go', '.java'];
const CONFIG_NAMES = new Set(['config.json', 'generation_config.json', 'preprocessor_config.json', 'special_tokens_map.json', 'vocab.txt', 'vocab.json', 'merges.txt', 'added_tokens.json', 'model_index.json', 'adapter_config.json']);

function hasExt(name: string, exts: readonly string[]): boolean {
  return exts.some((ext) => name.endsWith(ext));
}

/**
 * Classifies a package path by Hugging Face conventions. Order matters: dataset folders win over
 * extensions (a `data/train.json` is data, not config) and weights win over everything else.
 */
export function classifyPath(path: string): FileKind {
  const lower = path.toLowerCase();
  const name = lower.slice(lower.lastIndexOf('/') + 1);
  if (hasExt(name, WEIGHT_EXT)) return 'weights';
  if (lower.startsWith('data/') || lower.includes('/data/') || hasExt(name, DATA_EXT)) return 'datasets';
  if (CONFIG_NAMES.has(name) || name.startsWith('tokenizer') || name.endsWith('.yaml') || name.endsWith('.yml')) return 'config';
  if (name.startsWith('readme') || name.startsWith('license') || name.startsWith('licence') || name.endsWith('.md') || name.endsWith('.rst')) return 'docs';
  if (hasExt(name, CODE_EXT)) return 'code';
  return 'other';
}

export function classifyEntry<E extends ManifestEntry>(entry: E): E & { kind: FileKind } {
  return { ...entry, kind: classifyPath(entry.path) };
}
