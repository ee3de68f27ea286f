import { isUpstreamError, type SafeFetcher } from '@modelguard/egress';
import { z } from 'zod';
import type { ChatMessage } from './llm-card-prompt';

/**
 * One call to an OpenAI-compatible `POST {baseUrl}/chat/completions` (OpenAI, Azure-style gateways, vLLM, Ollama,
 * llama.cpp server all speak it), through the service's egress-guarded fetcher. Every way it can go wrong (429, 5xx,
 * a deadline passed, an answer that is not a chat completion, a refusal, a cut-off or filtered answer) is thrown as
 * an error whose message names the cause and never the API key, so the caller can degrade with a reason.
 */

export interface ChatCompletionsOptions {
  /** Without a trailing slash; `/chat/completions` is appended. */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer`; never part of an error message or a log line. */
  apiKey?: string;
  /** Deadline of the whole call (connect, wait, read); the socket idle timeout alone would let a trickle run on. */
  timeoutMs: number;
  maxAnswerTokens: number;
}

/** 429: the endpoint said when to come back (Retry-After); callers stop asking until then. */
export class LlmRateLimitedError extends Error {
  override readonly name = 'LlmRateLimitedError';
  constructor(readonly retryAt: number) {
    super(`LLM endpoint rate limited the call (429); retry after ${new Date(retryAt).toISOString()}`);
  }
}

/** The parts of a chat completion we read; the rest of OpenAI's shape (id, usage, logprobs) may vary by server. */
const ChatCompletionSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
});

/** A chat completion is a few KB; anything bigger is not the answer we asked for. */
const MAX_RESPONSE_BYTES = 256 * 1024;
/** Retry-After is honoured up to this long; a longer one is the endpoint being unwell, checked again after this. */
const MAX_RATE_LIMIT_PAUSE_MS = 5 * 60_000;
const DEFAULT_RATE_LIMIT_PAUSE_MS = 30_000;

export class ChatCompletionsClient {
  private readonly url: string;

  constructor(
    private readonly fetcher: SafeFetcher,
    private readonly options: ChatCompletionsOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.url = `${options.baseUrl}/chat/completions`;
  }

  /** The assistant message's content, asked for as a JSON object at temperature 0. */
  async complete(messages: readonly ChatMessage[]): Promise<string> {
    const { model, apiKey, timeoutMs, maxAnswerTokens } = this.options;
    const deadline = AbortSignal.timeout(timeoutMs);
    const body = { model, messages, temperature: 0, response_format: { type: 'json_object' }, max_tokens: maxAnswerTokens };
    let data: unknown;
    try {
      const answer = await this.fetcher.withSignal(deadline).postJson(this.url, body, {
        headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
        timeoutMs,
        maxBytes: MAX_RESPONSE_BYTES,
      });
      data = answer.data;
    } catch (error) {
      throw this.failure(error, deadline);
    }
    const parsed = ChatCompletionSchema.safeParse(data);
    if (!parsed.success) throw new Error('LLM answer is not a chat completion');
    const [choice] = parsed.data.choices;
    if (choice.message.refusal) throw new Error(`LLM refused: ${choice.message.refusal.slice(0, 120)}`);
    if (choice.finish_reason === 'length') throw new Error('LLM answer was cut off (finish_reason length)');
    if (choice.finish_reason === 'content_filter') throw new Error('LLM answer was withheld by a content filter');
    if (!choice.message.content) throw new Error('LLM answer has no content');
    return choice.message.content;
  }

  private failure(error: unknown, deadline: AbortSignal): Error {
    if (deadline.aborted) return new Error(`LLM did not answer within ${this.options.timeoutMs} ms`);
    if (!isUpstreamError(error)) return error instanceof Error ? error : new Error(String(error));
    if (error.status === 429) return new LlmRateLimitedError(this.now() + retryAfterMs(error.headers?.['retry-after'], this.now()));
    if (error.status === 401 || error.status === 403) return new Error(`LLM endpoint refused the credentials (${error.status}); check LLM_API_KEY`);
    if (error.kind === 'timeout') return new Error(`LLM did not answer within ${this.options.timeoutMs} ms`);
    // UpstreamError messages name the origin and path only; headers (the key) are never part of them.
    return new Error(`LLM call failed: ${error.message}`);
  }
}

/** Retry-After in seconds or as an HTTP date (RFC 9110), bounded. */
export function retryAfterMs(header: string | string[] | undefined, now: number): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return DEFAULT_RATE_LIMIT_PAUSE_MS;
  const seconds = /^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(seconds)) return DEFAULT_RATE_LIMIT_PAUSE_MS;
  return Math.min(MAX_RATE_LIMIT_PAUSE_MS, Math.max(0, seconds));
}
