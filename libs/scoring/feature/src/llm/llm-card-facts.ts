import { z } from 'zod';
import { TOPICS } from '../metrics/ramp-up-time.metric';

/**
 * The LLM's answer and how it is checked. The LLM reports facts, each with a quote from the card; a fact counts only
 * when its quote is really in the excerpt the LLM was shown (compared case-, whitespace- and Markdown-insensitively).
 * An LLM talked into inventing documentation by an injected instruction therefore gains nothing: what it reports
 * must already be in the card, where the deterministic rules could find it too.
 */

const MAX_QUOTE_CHARS = 300;
const MAX_CLAIMS = 32;
/** A topic is documented by a sentence, not by a heading or two words (the rules want 5 words under a heading too). */
const MIN_TOPIC_WORDS = 5;
/** An installation instruction names a tool that installs something. */
const INSTALL_WORDS = /\b(pip3?|conda|uv|poetry|npm|yarn|apt(-get)?|brew|docker|git clone|install(ation|ing)?|requirements)\b/i;
const NUMBER = /^[<>~≈]?\s*\d{1,6}([.,]\d{1,6})?\s*%?$/;

const quote = z.string().max(2_000);
/** Lenient about what a model may omit or null; strict about types, so a wrong shape degrades instead of guessing. */
export const LlmCardFactsSchema = z.object({
  topics: z.array(z.object({ topic: z.string().max(100), quote })).max(64).nullish(),
  installation: z.object({ quote }).nullish(),
  claims: z.array(z.object({ metric: z.string().max(200).nullish(), value: z.union([z.string().max(100), z.number()]), dataset: z.string().max(200).nullish(), quote })).max(256).nullish(),
  benchmarks: z.array(z.string().max(200)).max(64).nullish(),
  demo: z.object({ runnable: z.boolean(), problem: z.string().max(2_000).nullish() }).nullish(),
});
export type LlmCardFacts = z.infer<typeof LlmCardFactsSchema>;

/** The facts that survived the check, in the terms of the metric formulas. */
export interface VerifiedCardFacts {
  /** Documented topics (keys of the ramp-up TOPICS), each backed by its own quote. */
  topics: string[];
  installation: boolean;
  /** Distinct quantitative claims whose value appears in their quote, which appears in the card. */
  claims: number;
  /** Benchmarks named in the card that a verified claim is reported on. */
  benchmarks: string[];
  /** The LLM's verdict on the card's Python demo; null when it gave none. */
  demo: { runnable: boolean; problem?: string } | null;
  /** Facts dropped because the card does not back them. */
  discarded: number;
}

/**
 * How quotes and card are compared: links reduced to their text, Markdown emphasis and code ticks removed, whitespace
 * collapsed, lower-cased. A model quoting the rendered card ("evaluated on LibriSpeech") matches its Markdown source.
 */
export function normaliseForQuote(text: string): string {
  return text
    .replace(/\[([^\]\n]{0,300})\]\([^)\s]{0,1000}\)/g, '$1')
    .replace(/[*_`]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

export function verifyFacts(facts: LlmCardFacts, excerpt: string): VerifiedCardFacts {
  const card = normaliseForQuote(excerpt);
  let discarded = 0;
  const inCard = (text: string | undefined | null, minWords = 1): string | null => {
    const q = normaliseForQuote(text ?? '');
    if (q.length === 0 || q.length > MAX_QUOTE_CHARS || q.split(' ').length < minWords || !card.includes(q)) return null;
    return q;
  };

  const topics = new Set<string>();
  const usedQuotes = new Set<string>();
  for (const t of facts.topics ?? []) {
    const topic = t.topic.trim().toLowerCase();
    const q = inCard(t.quote, MIN_TOPIC_WORDS);
    // One sentence documents one topic: a single line cannot stand for the whole card.
    if (!Object.hasOwn(TOPICS, topic) || q === null || usedQuotes.has(q) || topics.has(topic)) {
      discarded++;
      continue;
    }
    topics.add(topic);
    usedQuotes.add(q);
  }

  const installQuote = facts.installation ? inCard(facts.installation.quote) : null;
  const installation = installQuote !== null && INSTALL_WORDS.test(installQuote);
  if (facts.installation && !installation) discarded++;

  const claims = new Set<string>();
  const claimTexts: string[] = [];
  for (const c of (facts.claims ?? []).slice(0, MAX_CLAIMS * 2)) {
    const value = String(c.value).trim();
    const q = inCard(c.quote);
    if (!NUMBER.test(value) || q === null || !q.includes(value.toLowerCase().replace(/\s+/g, ' ')) || claims.size >= MAX_CLAIMS) {
      discarded++;
      continue;
    }
    claims.add(`${q}\u0000${value}`);
    claimTexts.push(q, normaliseForQuote(c.dataset ?? ''));
  }

  const benchmarks: string[] = [];
  for (const name of facts.benchmarks ?? []) {
    const n = normaliseForQuote(name);
    if (n.length >= 2 && n.length <= 60 && card.includes(n) && claimTexts.some((t) => t.includes(n)) && !benchmarks.includes(n)) benchmarks.push(n);
    else discarded++;
  }

  const demo = facts.demo ? { runnable: facts.demo.runnable, ...(facts.demo.problem ? { problem: printable(facts.demo.problem) } : {}) } : null;
  return { topics: [...topics], installation, claims: claims.size, benchmarks, demo, discarded };
}

/** LLM prose shown in a rating reason: one short line, no control characters. */
function printable(text: string): string {
  let line = '';
  for (const char of text.slice(0, 2_000)) {
    const code = char.charCodeAt(0);
    line += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? ' ' : char;
  }
  return line.replace(/\s+/g, ' ').trim().slice(0, 160);
}
