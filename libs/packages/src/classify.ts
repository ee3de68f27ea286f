import picomatch from 'picomatch';
import type { ManifestEntry } from '@modelguard/contracts';

export type FileKind = 'weights' | 'config' | 'docs' | 'code' | 'datasets' | 'other';
export type PackagePart = 'full' | Exclude<FileKind, 'other'>;
export const PACKAGE_PARTS: readonly PackagePart[] = ['full', 'weights', 'config', 'docs', 'code', 'datasets'];

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

export function isPackagePart(value: string): value is PackagePart {
  return (PACKAGE_PARTS as readonly string[]).includes(value);
}

/**
 * The files of a package part, optionally narrowed by a glob (picomatch, `dot: true` so `.gitattributes` matches `**`).
 * Bash-style extglobs are disabled: the pattern comes from users and must stay a plain glob.
 */
export function selectParts(manifest: readonly ManifestEntry[], part: PackagePart, glob?: string): ManifestEntry[] {
  const byPart = part === 'full' ? [...manifest] : manifest.filter((e) => classifyPath(e.path) === part);
  if (glob == null || glob === '') return byPart;
  if (glob.length > 512) throw new RangeError('glob pattern is too long');
  const matches = picomatch(glob, { dot: true, noextglob: true });
  return byPart.filter((e) => matches(e.path));
}
