import type { CardAnalysisInput } from './card-analyser';
import type { CardDocument, CardTable } from './card-document';
import { declaredTask, type MetricContext } from './metric-context';
import { fellBack, type MetricFinding, round2, saturate, scored } from './metric-finding';

/**
 * performance_claims: are the card's claims backed by evidence a reader can check? Rules (weights sum to 1):
 *   0.10  the task is declared (pipeline tag): the claim a user will test first
 *   0.10  the card describes the model in prose (50 words or more)
 *   0.60  quantitative results, full at 8: numeric cells of results tables (tables under an evaluation/results/
 *         benchmark heading, or whose header names a metric), metric-then-number statements in prose, and each
 *         numeric result of the card's `model-index` counted twice (machine-readable, shown on the Hub)
 *   0.10  a named public benchmark (GLUE, SQuAD, LibriSpeech, ImageNet, MMLU, ...), so results are comparable
 *   0.10  a citation (BibTeX, arXiv or DOI link) behind the claims
 * Code blocks are not read for claims: a number printed by example code is not a claim. Fallback: no card and no
 * model-index gives the declared-task part alone, flagged as fallback.
 */

const RESULTS_HEADING = /evaluat|result|performance|benchmark|metric|accura|score/;
const METRIC_WORD = /\b(accuracy|acc|f1|wer|cer|bleu|rouge|exact match|perplexity|ppl|auc|precision|recall|map|top-?1|top-?5|mse|rmse|mae|spearman|pearson|mcc|chrf|meteor|pass@1|mnli|glue|squad|sst-2)\b/i;
const NUMERIC_CELL = /^[<>~≈]?\s*\d{1,6}(\.\d{1,6})?\s*%?(\s*\/\s*\d{1,6}(\.\d{1,6})?\s*%?)?$/;
const TEXT_CLAIM = /\b(accuracy|f1|wer|cer|bleu|rouge(?:-[l12])?|exact match|perplexity|auc|precision|recall|top-?1|top-?5|rmse|mae|spearman|pearson|mcc|pass@1)\b[^\n\d]{0,40}\d{1,3}(\.\d{1,4})?/gi;
const BENCHMARK = /\b(glue|superglue|squad|mnli|sst-2|qqp|qnli|cola|mrpc|sts-b|imagenet|coco|librispeech|common ?voice|mmlu|hellaswag|truthfulqa|gsm8k|humaneval|mbpp|wmt\d*|cifar-?\d+|conll|xnli|winogrande|piqa|boolq|mt-bench|ade20k|fleurs|voxpopuli|mteb|beir)\b/i;
const MAX_COUNTED = 64;

export function performanceClaimsRules({ evidence, card }: CardAnalysisInput): MetricFinding {
  const task = declaredTask(evidence) ? 1 : 0;
  const modelIndex = modelIndexResults(evidence.metadata.cardData);
  if (!card.present && modelIndex.results === 0) return fellBack(round2(0.1 * task), `no model card${task ? '; task declared' : ''}`);
  const described = card.words >= 50 ? 1 : 0;
  const tableNumbers = resultTables(card).reduce((n, t) => n + numericCells(t), 0);
  const textClaims = Math.min(MAX_COUNTED, countMatches(TEXT_CLAIM, card.prose));
  const evidenceCount = Math.min(MAX_COUNTED, tableNumbers) + textClaims + 2 * modelIndex.results;
  const benchmark = BENCHMARK.test(card.prose) || card.sections.some((s) => s.tables.some((t) => BENCHMARK.test(t.header.join(' ')))) || modelIndex.datasets > 0 ? 1 : 0;
  const cited = card.links.some((l) => /arxiv\.org|doi\.org/i.test(l)) || card.codeBlocks.some((b) => b.lang === 'bibtex' || /@(article|inproceedings|misc|book)\s*\{/i.test(b.code)) ? 1 : 0;
  const score = 0.1 * task + 0.1 * described + 0.6 * saturate(evidenceCount, 8) + 0.1 * benchmark + 0.1 * cited;
  const notes = [
    task ? 'task declared' : 'no task declared',
    `${tableNumbers} numbers in results tables`,
    `${textClaims} metric statements in prose`,
    `${modelIndex.results} model-index results`,
    benchmark ? 'public benchmark named' : 'no public benchmark',
    cited ? 'cites a paper' : 'no citation',
  ];
  return scored(round2(score), notes.join('; '));
}

function resultTables(card: CardDocument): CardTable[] {
  return card.sections.flatMap((s) => (RESULTS_HEADING.test(s.heading) ? s.tables : s.tables.filter((t) => METRIC_WORD.test(t.header.join(' ')))));
}

function numericCells(table: CardTable): number {
  let n = 0;
  for (const row of table.rows) for (const cell of row) if (NUMERIC_CELL.test(cell.replace(/[*_`]/g, '').trim())) n++;
  return n;
}

function countMatches(re: RegExp, text: string): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(text) && n < MAX_COUNTED) n++;
  re.lastIndex = 0;
  return n;
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
