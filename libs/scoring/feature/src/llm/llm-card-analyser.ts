import type { Logger } from '@modelguard/observability';
import type { CardAnalyser, CardAnalysisInput } from '../metrics/card-analyser';
import type { CardDocument } from '../metrics/card-document';
import { type MetricFinding, round2, scored } from '../metrics/metric-finding';
import { claimsParts, claimsScore, performanceClaimsRules } from '../metrics/performance-claims.metric';
import { rampUpNotes, rampUpParts, rampUpScore, rampUpTimeRules } from '../metrics/ramp-up-time.metric';
import { reproducibilityRules } from '../metrics/reproducibility.metric';
import { type ChatCompletionsClient, LlmRateLimitedError } from './chat-completions.client';
import { type LlmCardFacts, LlmCardFactsSchema, type VerifiedCardFacts, verifyFacts } from './llm-card-facts';
import { type CardExcerpt, cardAnalysisMessages, cardExcerpt, LLM_CARD_EXCERPT_CHARS } from './llm-card-prompt';

/**
 * Reads a card with an LLM and scores it with the same formulas as the deterministic rules. The card is attacker-
 * controlled, so the LLM is never asked for a score: it reports facts with quotes (llm-card-prompt.ts), facts the
 * card does not back are discarded (llm-card-facts.ts), and the verified facts can only *add* to what the rules found
 * (topics, an installation step, quantitative claims, a benchmark) or *withdraw* the demo's reproducibility. Whatever
 * the answer, a metric ends at most LLM_MAX_LIFT above the rules' score. One request per card serves all three metrics;
 * any failure is thrown, and computeRating degrades that metric to the rules with the failure in its reason.
 */

/** The most an LLM reading can raise a card metric above the deterministic rules (0.15 of ramp-up or claims). */
export const LLM_MAX_LIFT = 0.15;

interface Reading {
  facts: VerifiedCardFacts;
  excerpt: CardExcerpt;
}

export class LlmCardAnalyser implements CardAnalyser {
  readonly name: string;
  /** One LLM call per card: the three metrics of a rating share the parsed card object, and so its reading. */
  private readonly readings = new WeakMap<CardDocument, Promise<Reading>>();
  /** After a 429, no calls until the endpoint's Retry-After has passed: the rules answer meanwhile. */
  private pausedUntil = 0;

  constructor(
    private readonly client: ChatCompletionsClient,
    model: string,
    private readonly logger?: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.name = `llm:${model}`;
  }

  async rampUp(input: CardAnalysisInput): Promise<MetricFinding> {
    const rules = rampUpTimeRules(input);
    if (!input.card.present) return this.unread(rules);
    const { facts, excerpt } = await this.read(input);
    const found = rampUpParts(input);
    const parts = { ...found, topics: [...new Set([...found.topics, ...facts.topics])], install: found.install || facts.installation ? (1 as const) : (0 as const) };
    const added = parts.topics.length - found.topics.length;
    const notes = [...rampUpNotes(parts), `${added} topic${added === 1 ? '' : 's'} confirmed by quotes beyond the headings`];
    return this.bounded(rules, rampUpScore(parts), notes, facts, excerpt);
  }

  async performanceClaims(input: CardAnalysisInput): Promise<MetricFinding> {
    const rules = performanceClaimsRules(input);
    if (!input.card.present) return this.unread(rules);
    const { facts, excerpt } = await this.read(input);
    const found = claimsParts(input);
    const parts = { ...found, cardClaims: Math.max(found.cardClaims, facts.claims), benchmark: found.benchmark || facts.benchmarks.length > 0 ? (1 as const) : (0 as const) };
    const notes = [
      parts.task ? 'task declared' : 'no task declared',
      `${facts.claims} quantitative claims quoted (the rules found ${found.cardClaims})`,
      `${found.modelIndex.results} model-index results`,
      parts.benchmark ? `public benchmark named${facts.benchmarks.length ? ` (${facts.benchmarks.slice(0, 3).join(', ')})` : ''}` : 'no public benchmark',
      parts.cited ? 'cites a paper' : 'no citation',
    ];
    return this.bounded(rules, claimsScore(parts), notes, facts, excerpt);
  }

  /** The static checks decide what a demo can earn; the LLM can only say it would still not run (one step down). */
  async reproducibility(input: CardAnalysisInput): Promise<MetricFinding> {
    const rules = reproducibilityRules(input);
    if (!input.card.present) return this.unread(rules);
    const { demo } = (await this.read(input)).facts;
    if (demo?.runnable === false && rules.score > 0) {
      return scored(Math.max(0, rules.score - 0.5), `${this.name} read the card: the demo would not run as written (${demo.problem ?? 'no reason given'}); rules: ${rules.reason}`);
    }
    const verdict = demo === null ? 'no verdict on the demo' : demo.runnable ? 'judged the demo runnable' : 'judged the demo not runnable';
    return scored(rules.score, `${this.name} read the card: ${verdict}; rules: ${rules.reason}`);
  }

  private bounded(rules: MetricFinding, score: number, notes: string[], facts: VerifiedCardFacts, excerpt: CardExcerpt): MetricFinding {
    const cap = round2(Math.min(1, rules.score + LLM_MAX_LIFT));
    if (facts.discarded > 0) notes.push(`${facts.discarded} facts without a matching quote discarded`);
    if (score > cap) notes.push(`capped at the rules' ${rules.score} + ${LLM_MAX_LIFT}`);
    if (excerpt.truncated) notes.push(`read the first ${LLM_CARD_EXCERPT_CHARS} characters`);
    return scored(round2(Math.min(score, cap)), `${this.name} read the card: ${notes.join('; ')}`);
  }

  private unread(rules: MetricFinding): MetricFinding {
    return { ...rules, reason: `${rules.reason} (deterministic rules: no card for ${this.name} to read)` };
  }

  private read(input: CardAnalysisInput): Promise<Reading> {
    let reading = this.readings.get(input.card);
    if (!reading) {
      reading = this.ask(input);
      this.readings.set(input.card, reading);
    }
    return reading;
  }

  private async ask({ evidence }: CardAnalysisInput): Promise<Reading> {
    const subject = `${evidence.artifact.name}@${evidence.version}`;
    try {
      if (this.now() < this.pausedUntil) throw new Error(`LLM endpoint rate limited; not asked until ${new Date(this.pausedUntil).toISOString()}`);
      const excerpt = cardExcerpt(evidence.metadata.readme);
      const content = await this.client.complete(cardAnalysisMessages(evidence, excerpt));
      const facts = verifyFacts(parseFacts(content), excerpt.text);
      this.logger?.debug(`${this.name} read the card of ${subject}`, { artifactId: evidence.artifact.id, discarded: facts.discarded });
      return { facts, excerpt };
    } catch (error) {
      if (error instanceof LlmRateLimitedError) this.pausedUntil = Math.max(this.pausedUntil, error.retryAt);
      const message = error instanceof Error ? error.message : String(error);
      this.logger?.warn(`${this.name} could not read the card of ${subject}; deterministic rules used: ${message}`, { artifactId: evidence.artifact.id });
      throw error;
    }
  }
}

/** The message content as facts. Some servers wrap JSON in a Markdown fence even in JSON mode; that much is forgiven. */
function parseFacts(content: string): LlmCardFacts {
  const text = withoutFence(content.trim());
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('LLM answer content is not JSON');
  }
  const parsed = LlmCardFactsSchema.safeParse(json);
  if (!parsed.success) throw new Error(`LLM answer does not have the facts shape (${parsed.error.issues[0]?.path.join('.') || 'root'}: ${parsed.error.issues[0]?.message ?? 'invalid'})`);
  return parsed.data;
}

/** ```json … ``` around the object removed, by position (no regex over model output). */
function withoutFence(text: string): string {
  if (!text.startsWith('```') || !text.endsWith('```')) return text;
  const firstLineEnd = text.indexOf('\n');
  const lastLineStart = text.lastIndexOf('\n');
  return firstLineEnd > 0 && lastLineStart > firstLineEnd ? text.slice(firstLineEnd + 1, lastLineStart) : text;
}
