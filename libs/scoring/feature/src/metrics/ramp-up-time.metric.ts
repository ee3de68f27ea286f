import type { CardAnalysisInput } from './card-analyser';
import { type CardDocument, hasContent } from './card-document';
import { declaredLibrary, type MetricContext, modelNames } from './metric-context';
import { fellBack, type MetricFinding, round2, saturate, scored } from './metric-finding';

/**
 * ramp_up_time: how quickly a newcomer gets from the card to a working model. Rules (weights sum to 1):
 *   0.20  the model loads with a well-known library (the card's or the Hub's library_name, or a config.json with
 *         a model_type/architecture): the library's generic loading code works without reading anything
 *   0.25  a usage example: a code block that loads this model (0.25) or any code block (0.12)
 *   0.15  descriptive prose: words of real prose (template boilerplate and placeholders excluded), full at 400
 *   0.20  structure: documented topics (overview, intended uses, usage, limitations, training, evaluation,
 *         citation) with content under them, full at 5
 *   0.10  installation: `pip install`/requirements or an installation section
 *   0.10  references: links to the paper, code or docs, full at 3
 * Fallback: no card at all gives the library part alone (a loadable model is still some help), flagged as fallback.
 */

/** Libraries with a generic, documented loading path on the Hub (values of the card's `library_name`). */
const KNOWN_LIBRARIES = new Set([
  'transformers', 'diffusers', 'sentence-transformers', 'timm', 'peft', 'keras', 'tf-keras', 'pytorch', 'open_clip',
  'flair', 'spacy', 'speechbrain', 'nemo', 'espnet', 'fastai', 'stable-baselines3', 'sklearn', 'scikit-learn',
  'onnx', 'transformers.js', 'mlx', 'gguf', 'llama.cpp', 'setfit', 'adapter-transformers', 'ultralytics', 'paddlenlp',
]);

export const TOPICS: Record<string, RegExp> = {
  overview: /description|overview|summary|about|introduction|model details|what is/,
  uses: /intended use|\buses\b|use cases?|applications|direct use/,
  usage: /how to use|usage|quick ?start|getting started|get started|example|inference|transcription/,
  limitations: /limitation|bias|risk|ethic|caveat|out-of-scope/,
  training: /training|fine-?tun|pre-?train|\bdata\b/,
  evaluation: /evaluat|result|performance|benchmark|metric/,
  citation: /citation|bibtex|\bcite\b|reference/,
};

const LOADS_MODEL = /from_pretrained\s*\(|pipeline\s*\(|SentenceTransformer\s*\(|hf_hub_download\s*\(|snapshot_download\s*\(|load_model\s*\(|create_model\s*\(/;
const INSTALL = /\b(pip3?|conda|uv pip|npm) install\b|requirements\.txt/;

/** What the ramp-up formula reads from a card: the rules below fill it in, an LLM analyser may re-read parts of it. */
export interface RampUpParts {
  library: 0 | 1;
  /** 1 a code block loads this model, 0.48 other code, 0 none. */
  usage: number;
  words: number;
  /** Documented topics (keys of TOPICS). */
  topics: string[];
  install: 0 | 1;
  links: number;
}

/** The documented ramp-up formula; the one place its weights live. */
export function rampUpScore(p: RampUpParts): number {
  return round2(0.2 * p.library + 0.25 * p.usage + 0.15 * saturate(p.words, 400) + 0.2 * saturate(p.topics.length, 5) + 0.1 * p.install + 0.1 * saturate(p.links, 3));
}

export function rampUpParts({ evidence, card }: CardAnalysisInput): RampUpParts {
  return {
    library: libraryScore(evidence),
    usage: usageScore(card, modelNames(evidence)),
    words: card.words,
    topics: documentedTopics(card),
    install: card.codeBlocks.some((b) => INSTALL.test(b.code)) || INSTALL.test(card.prose) || card.sections.some((s) => /install|setup|requirements/.test(s.heading)) ? 1 : 0,
    links: card.links.length,
  };
}

export function rampUpNotes(p: RampUpParts): string[] {
  return [
    p.library ? 'loads with a known library' : 'no known library',
    p.usage === 1 ? 'usage example loads this model' : p.usage > 0 ? 'code examples, none loading this model' : 'no usage example',
    `${p.words} words of prose`,
    `topics: ${p.topics.join(', ') || 'none'}`,
    p.install ? 'installation documented' : 'no installation steps',
    `${p.links} links`,
  ];
}

export function rampUpTimeRules(input: CardAnalysisInput): MetricFinding {
  const { evidence, card } = input;
  const library = libraryScore(evidence);
  if (!card.present) return fellBack(round2(0.2 * library), `no model card; ${library ? 'loads with a known library' : 'no known library either'}`);
  const parts = rampUpParts(input);
  const notes = rampUpNotes(parts);
  if (card.templateLines > 0 || card.placeholders > 0) notes.push(`${card.templateLines} template lines and ${card.placeholders} placeholders ignored`);
  if (card.frontMatter === 'broken') notes.push('front matter unreadable');
  if (card.truncated) notes.push('card truncated for analysis');
  return scored(rampUpScore(parts), notes.join('; '));
}

function libraryScore(evidence: CardAnalysisInput['evidence']): 0 | 1 {
  const library = declaredLibrary(evidence)?.toLowerCase();
  if (library && KNOWN_LIBRARIES.has(library)) return 1;
  const config = evidence.metadata.config;
  return config && !config.parseError && (config.model_type || config.architectures?.length) ? 1 : 0;
}

/** 1 when a code block loads this model, 0.5 (→ 0.12 of the metric) for other code, 0 without code. */
function usageScore(card: CardDocument, names: readonly string[]): number {
  if (card.codeBlocks.length === 0) return 0;
  const loadsThis = card.codeBlocks.some((b) => {
    if (!LOADS_MODEL.test(b.code)) return false;
    const code = b.code.toLowerCase();
    return names.some((n) => code.includes(`"${n}"`) || code.includes(`'${n}'`));
  });
  return loadsThis ? 1 : 0.48;
}

export function documentedTopics(card: CardDocument): string[] {
  return Object.entries(TOPICS)
    .filter(([, re]) => card.sections.some((s) => re.test(s.heading) && hasContent(s)))
    .map(([topic]) => topic);
}

export function rampUpTime(ctx: MetricContext): Promise<MetricFinding> {
  return ctx.analyser.rampUp(ctx);
}
