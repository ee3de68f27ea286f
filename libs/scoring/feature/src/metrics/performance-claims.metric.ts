import type { CardAnalysisInput } from './card-analyser';
import type { CardDocument, CardTable } from './card-document';
import { declaredTask, type MetricContext } from './metric-context';
import { fellBack, type MetricFinding, round2, saturate, scored } from './metric-finding';

/**
 * performance_claims: are the card's claims backed by evidence a reader can check? Rules (weights sum to 1):
 *   0.10  the task is declared (pipeline tag): the claim a user will test first
 *   0.10  the card describes the model in prose (50 words or more)
 *   0.60  quantitative results, full at 8: numeric cells of results tables (tables under an evaluation/results/
 *         benchmark heading, or whose header names a metric), metric-then-number and number%-then-metric statements
 *         in prose (`F1 of 88.5`, `76.1% top-1 accuracy`, `5% imgs/sec`), and each
 *         numeric result of the card's `model-index` counted twice (machine-readable, shown on the Hub)
 *   0.10  a named public benchmark (GLUE, SQuAD, LibriSpeech, ImageNet, MMLU, ...), so results are comparable
 *   0.10  a citation (BibTeX, arXiv or DOI link) behind the claims
 * Code blocks are not read for claims: a number printed by example code is not a claim. Fallback: no card and no
 * model-index gives the declared-task part alone, flagged as fallback.
 */

const RESULTS_HEADING = /evaluat|result|performance|benchmark|metric|accura|score/;
const METRIC_WORD = /\b(accuracy|acc|f1|wer|cer|bleu|rouge|exact match|perplexity|ppl|auc|precision|recall|map|top-?1|top-?5|mse|rmse|mae|spearman|pearson|mcc|chrf|meteor|pass@1|mnli|glue|squad|sst-2)\b/i;
const NUMERIC_CELL = /^[<>~≈]?\s*\d{1,6}(\.\d{1,6})?\s*%?(\s*\/\s*\d{1,6}(\.\d{1,6})?\s*%?)?$/;
const TEXT_CLAIM = /\b(accuracy|f1|wer|cer|bleu|rouge(?:-[l12])?|exact match|perplexity|auc|precision|recall|top-?1|top-?5|rmse|mae|spearman|pearson|mcc|pass@1)\b[^\n\d]{0,40}(?<![A-Za-z])\d{1,3}(\.\d{1,4})?/gi;
/** Number-then-metric statements (`76.1% top-1 accuracy`, `~5% imgs/sec`): how image and speed results are usually written. */
const PERCENT_CLAIM = /\d{1,3}(?:\.\d{1,4})?\s?%\s+(?:(?!and\b|or\b|vs\b|than\b|with\b)[a-z-]+\s+)?(?:accuracy|f1|wer|cer|bleu|exact match|top-?1|top-?5|map|miou|imgs?\/s(?:ec)?|images\/s(?:ec)?|tokens\/s(?:ec)?|throughput|speed-?up)\b/gi;
const BENCHMARK = /\b(glue|superglue|squad|mnli|sst-2|qqp|qnli|cola|mrpc|sts-b|imagenet|coco|librispeech|common ?voice|mmlu|hellaswag|truthfulqa|gsm8k|humaneval|mbpp|wmt\d*|cifar-?\d+|conll|xnli|winogrande|piqa|boolq|mt-bench|ade20k|fleurs|voxpopuli|mteb|beir)\b/i;
const MAX_COUNTED = 64;

/** What the performance-claims formula reads; the rules below fill it in, an LLM analyser may re-read the claims. */
export interface ClaimsParts {
  task: 0 | 1;
  described: 0 | 1;
  /** Quantitative results found in the card (tables and prose), each counted once. */
  cardClaims: number;
  modelIndex: { results: number; datasets: number };
  benchmark: 0 | 1;
  cited: 0 | 1;
}

/** The documented performance-claims formula; the one place its weights live. */
export function claimsScore(p: ClaimsParts): number {
  const evidenceCount = p.cardClaims + 2 * p.modelIndex.results;
  return round2(0.1 * p.task + 0.1 * p.described + 0.6 * saturate(evidenceCount, 8) + 0.1 * p.benchmark + 0.1 * p.cited);
}

export function claimsParts({ evidence, card }: CardAnalysisInput): ClaimsParts & { tableNumbers: number; textClaims: number } {
  const modelIndex = modelIndexResults(evidence.metadata.cardData);
  const tableNumbers = resultTables(card).reduce((n, t) => n + numericCells(t), 0);
  const textClaims = proseClaims(card.prose);
  return {
    task: declaredTask(evidence) ? 1 : 0,
    described: card.words >= 50 ? 1 : 0,
    tableNumbers,
    textClaims,
    cardClaims: Math.min(MAX_COUNTED, tableNumbers) + textClaims,
    modelIndex,
    benchmark: BENCHMARK.test(card.prose) || card.sections.some((s) => s.tables.some((t) => BENCHMARK.test(t.header.join(' ')))) || modelIndex.datasets > 0 ? 1 : 0,
    cited: card.links.some((l) => /arxiv\.org|doi\.org/i.test(l)) || card.codeBlocks.some((b) => b.lang === 'bibtex' || /@(article|inproceedings|misc|book)\s*\{/i.test(b.code)) ? 1 : 0,
  };
}

export function performanceClaimsRules(input: CardAnalysisInput): MetricFinding {
  const task = declaredTask(input.evidence) ? 1 : 0;
  const parts = claimsParts(input);
  if (!input.card.present && parts.modelIndex.results === 0) return fellBack(round2(0.1 * task), `no model card${task ? '; task declared' : ''}`);
  const notes = [
    parts.task ? 'task declared' : 'no task declared',
    `${parts.tableNumbers} numbers in results tables`,
    `${parts.textClaims} metric statements in prose`,
    `${parts.modelIndex.results} model-index results`,
    parts.benchmark ? 'public benchmark named' : 'no public benchmark',
    parts.cited ? 'cites a paper' : 'no citation',
  ];
  return scored(claimsScore(parts), notes.join('; '));
}

function resultTables(card: CardDocument): CardTable[] {
  return card.sections.flatMap((s) => (RESULTS_HEADING.test(s.heading) ? s.tables : s.tables.filter((t) => METRIC_WORD.test(t.header.join(' ')))));
}

function numericCells(table: CardTable): number {
  let n = 0;
  for (const row of table.rows) for (const cell of row) if (NUMERIC_CELL.test(cell.replace(/[*_`]/g, '').trim())) n++;
  return n;
}

/**
 * Metric statements in prose, each number counted once however it is phrased: `accuracy of 91.2%` and
 * `91.2% accuracy` name the same result when they share the number.
 */
function proseClaims(prose: string): number {
  const numbers = new Set<number>();
  for (const m of prose.matchAll(TEXT_CLAIM)) {
    const number = /\d{1,3}(\.\d{1,4})?$/.exec(m[0]);
    numbers.add(m.index + m[0].length - (number?.[0].length ?? 0));
    if (numbers.size >= MAX_COUNTED) return MAX_COUNTED;
  }
  for (const m of prose.matchAll(PERCENT_CLAIM)) {
    numbers.add(m.index);
    if (numbers.size >= MAX_COUNTED) return MAX_COUNTED;
  }
  return numbers.size;
}

/** Numeric results and distinct datasets of the card's `model-index` (the Hub's evaluation results format). */
export function modelIndexResults(cardData: Record<string, unknown> | undefined): { results: number; datasets: number } {
  const index = cardData?.['model-index'];
  if (!Array.isArray(index)) return { results: 0, datasets: 0 };
  let results = 0;
  const datasets = new Set<string>();
  for (const model of index.slice(0, 16)) {
    const entries = isRecord(model) && Array.isArray(model['results']) ? model['results'] : [];
    for (const entry of entries.slice(0, 64)) {
      if (!isRecord(entry)) continue;
      const dataset = isRecord(entry['dataset']) ? entry['dataset'] : {};
      const metrics = Array.isArray(entry['metrics']) ? entry['metrics'] : [];
      const numeric = metrics.slice(0, 64).filter((m) => isRecord(m) && Number.isFinite(Number(m['value'])) && m['value'] !== null && m['value'] !== '').length;
      results += numeric;
      if (numeric > 0) datasets.add(String(dataset['type'] ?? dataset['name'] ?? ''));
    }
  }
  return { results: Math.min(MAX_COUNTED, results), datasets: datasets.size };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function performanceClaims(ctx: MetricContext): Promise<MetricFinding> {
  return ctx.analyser.performanceClaims(ctx);
}
