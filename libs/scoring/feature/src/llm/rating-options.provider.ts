import type { FactoryProvider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, loadServiceSection } from '@modelguard/config';
import { createSafeFetcher, EgressPolicy, isUpstreamError, type Resolver } from '@modelguard/egress';
import { type Logger, SERVICE_LOGGER } from '@modelguard/observability';
import { type ComputeRatingOptions, DEFAULT_METRIC_TIMEOUT_MS } from '../rating/compute-rating';
import { ChatCompletionsClient } from './chat-completions.client';
import { LlmCardAnalyser } from './llm-card-analyser';
import { LLM_MAX_ANSWER_TOKENS } from './llm-card-prompt';

/** How the rating worker calls computeRating: with the LLM card analyser when LLM_BASE_URL is set, else the rules. */
export const RATING_OPTIONS = Symbol.for('modelguard.scoring.rating-options');

const LLM_USER_AGENT = 'ModelGuard-Scoring/1.0';
/** The metric deadline leaves the LLM call its whole timeout plus this, so a slow LLM degrades to the rules, not to a fallback. */
const METRIC_MARGIN_MS = 2_000;

/**
 * The options for an app config. The LLM endpoint is operator-configured, so its host joins the egress allow-list
 * the way HF_ENDPOINT's does, under the same address rules (a loopback or private endpoint needs
 * UPSTREAM_ALLOW_PRIVATE). A destination the guard would refuse stops the service at start: every rating silently
 * degrading to the rules is the wrong way to learn about a typo.
 */
export function ratingOptionsFrom(config: AppConfig, logger?: Logger, opts: { resolver?: Resolver } = {}): ComputeRatingOptions {
  const llm = (config.scoring ?? loadServiceSection('scoring', {})).llm;
  if (!llm) return {};
  const upstream = { ...config.upstream, extraEndpoints: [llm.baseUrl] };
  try {
    new EgressPolicy(upstream).check(new URL(`${llm.baseUrl}/chat/completions`));
  } catch (error) {
    const why = isUpstreamError(error) ? error.message : String(error);
    throw new Error(`LLM_BASE_URL is refused by the egress guard: ${why} (a loopback or private endpoint needs UPSTREAM_ALLOW_PRIVATE=true)`);
  }
  const fetcher = createSafeFetcher(upstream, { resolver: opts.resolver, userAgent: LLM_USER_AGENT });
  const client = new ChatCompletionsClient(fetcher, { ...llm, maxAnswerTokens: LLM_MAX_ANSWER_TOKENS });
  const analyser = new LlmCardAnalyser(client, llm.model, logger?.child({ context: 'LlmCardAnalyser' }));
  logger?.info(`card metrics read by ${analyser.name} at ${new URL(llm.baseUrl).origin} (timeout ${llm.timeoutMs} ms), degrading to the deterministic rules`);
  return { analyser, metricTimeoutMs: Math.max(DEFAULT_METRIC_TIMEOUT_MS, llm.timeoutMs + METRIC_MARGIN_MS) };
}

export function ratingOptionsProvider(opts: { resolver?: Resolver } = {}): FactoryProvider<ComputeRatingOptions> {
  return { provide: RATING_OPTIONS, inject: [APP_CONFIG, SERVICE_LOGGER], useFactory: (config: AppConfig, logger: Logger) => ratingOptionsFrom(config, logger, opts) };
}
