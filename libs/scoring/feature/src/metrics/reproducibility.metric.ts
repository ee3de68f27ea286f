import type { CardAnalysisInput } from './card-analyser';
import type { CardCodeBlock } from './card-document';
import { type MetricContext, modelNames } from './metric-context';
import { fellBack, type MetricFinding, scored } from './metric-finding';
import { analyseSnippet, SNIPPET_MAX_CHARS, snippetSource } from './python-snippet';

/**
 * reproducibility (0 / 0.5 / 1): would the card's demo code run? Decided statically, never by executing upstream
 * code. Each Python code block of the card is checked for three things:
 *   - it names this model (a string literal equal to the repo id, its last segment or the registry name),
 *   - it parses (strings closed, brackets balanced, blocks indented; doctest prompts and notebook `!` lines removed),
 *   - it imports only well-known libraries (the table below: the Hub's libraries, the scientific stack and the
 *     standard library), and imports at least one.
 * Score of the best block: all three → 1; two of three → 0.5 (runs after some fixing); otherwise 0. A card without
 * Python code scores 0 ("no demo"); no card at all scores 0 as a fallback.
 */

export const KNOWN_MODULES = new Set([
  // Hub and ML libraries
  'transformers', 'torch', 'torchaudio', 'torchvision', 'diffusers', 'sentence_transformers', 'datasets', 'evaluate',
  'accelerate', 'peft', 'tokenizers', 'huggingface_hub', 'safetensors', 'optimum', 'onnxruntime', 'timm', 'open_clip',
  'bitsandbytes', 'trl', 'sentencepiece', 'tensorflow', 'tf_keras', 'keras', 'jax', 'flax', 'optax', 'setfit', 'spacy',
  'nltk', 'gensim', 'sklearn', 'xgboost', 'lightgbm', 'ultralytics', 'whisper', 'librosa', 'soundfile', 'pydub',
  'llama_cpp', 'vllm', 'mlx', 'mlx_lm', 'gradio', 'streamlit', 'openai', 'langchain', 'nemo', 'speechbrain', 'flair',
  'fastai', 'paddle', 'cv2', 'PIL', 'skimage', 'imageio',
  // scientific stack and common helpers
  'numpy', 'pandas', 'scipy', 'matplotlib', 'seaborn', 'requests', 'tqdm', 'einops', 'pyarrow', 'jiwer', 'yaml',
  // standard library
  'os', 'sys', 're', 'json', 'math', 'io', 'pathlib', 'time', 'typing', 'collections', 'itertools', 'functools',
  'random', 'argparse', 'logging', 'dataclasses', 'string', 'urllib', 'base64', 'glob', 'shutil', 'textwrap', 'copy',
  'warnings', 'csv', 'datetime', 'tempfile', 'pprint', 'contextlib', 'enum', 'abc', 'statistics', 'hashlib', 'zipfile',
]);

const PYTHON_LANGS = new Set(['python', 'py', 'python3', 'ipython', 'pycon', 'ipython3']);

interface BlockVerdict {
  score: 0 | 0.5 | 1;
  note: string;
}

export function reproducibilityRules({ evidence, card }: CardAnalysisInput): MetricFinding {
  if (!card.present) return fellBack(0, 'no model card, so no demo code to check');
  const blocks = card.codeBlocks.filter(isPythonBlock);
  if (blocks.length === 0) return scored(0, 'the card has no Python demo code');
  const names = modelNames(evidence);
  let best: BlockVerdict = { score: 0, note: '' };
  for (const block of blocks.slice(0, 30)) {
    const verdict = judge(block, names);
    if (verdict.score > best.score || best.note === '') best = verdict;
    if (best.score === 1) break;
  }
  return scored(best.score, `best of ${blocks.length} Python blocks: ${best.note}`);
}

function isPythonBlock(block: CardCodeBlock): boolean {
  if (block.code.length > SNIPPET_MAX_CHARS) return false;
  if (PYTHON_LANGS.has(block.lang)) return true;
  return block.lang === '' && /^\s*(>>> )?(import \w|from [\w.]+ import )/m.test(block.code);
}

function judge(block: CardCodeBlock, names: readonly string[]): BlockVerdict {
  const analysis = analyseSnippet(snippetSource(block.code));
  const literals = analysis.strings.map((s) => s.trim().toLowerCase());
  const namesModel = literals.some((s) => names.includes(s));
  const unknown = [...new Set(analysis.imports.filter((m) => !KNOWN_MODULES.has(m)))];
  const knownImports = analysis.imports.length > 0 && unknown.length === 0;
  const passed = [namesModel, analysis.parses, knownImports].filter(Boolean).length;
  const note = [
    namesModel ? 'names this model' : 'does not name this model',
    analysis.parses ? 'parses' : `does not parse (${analysis.problem})`,
    knownImports ? `imports only known libraries (${[...new Set(analysis.imports)].join(', ')})` : analysis.imports.length === 0 ? 'imports nothing' : `imports unknown modules (${unknown.join(', ')})`,
  ].join(', ');
  return { score: passed === 3 ? 1 : passed === 2 ? 0.5 : 0, note };
}

export function reproducibility(ctx: MetricContext): Promise<MetricFinding> {
  return ctx.analyser.reproducibility(ctx);
}
