import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fixturesRoot } from './fixture-loader';
import { type FakeServerHandle, sendJson, startServer } from './http-helpers';

/**
 * A local OpenAI-compatible chat-completions endpoint (`POST /v1/chat/completions`) for the scoring service's LLM card
 * analyser. It speaks the real wire format: the request is checked as OpenAI checks it (Bearer key, JSON body with
 * `model` and `messages`), answers are `chat.completion` objects with `id`, `created`, `choices[].message`,
 * `finish_reason` and `usage`, and errors carry OpenAI's `{ error: { message, type, param, code } }` body.
 *
 * Answers: recorded ones (tests/fixtures/upstreams/llm/*.json, `{ match, answer }`: the answer a model gave for the
 * card whose prompt contains `match`), else `{}` (a model that found nothing), unless a test sets another mode.
 */

export type FakeLlmMode =
  /** A realistic answer: `content` if given (a string, or built from the request), else the recorded one. */
  | { kind: 'answer'; content?: string | ((request: FakeChatRequest) => string) }
  /** An HTTP error with OpenAI's error body (500: "The server had an error while processing your request"). */
  | { kind: 'error'; status: number }
  /** 429 with Retry-After and the x-ratelimit headers, as OpenAI sends when the request budget is spent. */
  | { kind: 'rate-limited'; retryAfterSeconds: number }
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** A 200 chat completion whose content is not JSON (a model ignoring response_format). */
  | { kind: 'malformed' }
  /** A refusal: content null and `message.refusal` set, as OpenAI reports one. */
  | { kind: 'refusal' };

/** One request as the fake received it. */
export interface FakeChatRequest {
  authorization?: string;
  body: { model?: unknown; messages?: Array<{ role: string; content: string }>; temperature?: unknown; response_format?: unknown; max_tokens?: unknown; [key: string]: unknown };
}

export interface FakeLlmOptions {
  /** The key callers must send as `Authorization: Bearer <apiKey>`; default `sk-fake-llm-key`. */
  apiKey?: string;
}

export interface FakeLlm extends FakeServerHandle {
  /** The base URL to configure (LLM_BASE_URL): `<url>/v1`. */
  baseUrl: string;
  apiKey: string;
  /** Every chat request received with a valid key, parsed. */
  chats: FakeChatRequest[];
  setMode(mode: FakeLlmMode): void;
}

interface RecordedAnswer {
  match: string;
  answer: unknown;
}

function recordedAnswers(): RecordedAnswer[] {
  const dir = join(fixturesRoot(), 'llm');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as RecordedAnswer);
}

const openAiError = (message: string, type: string, code: string | null) => ({ error: { message, type, param: null, code } });

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlm> {
  const apiKey = options.apiKey ?? 'sk-fake-llm-key';
  const recorded = recordedAnswers();
  const chats: FakeChatRequest[] = [];
  let mode: FakeLlmMode = { kind: 'answer' };
  let served = 0;

  const completion = (res: ServerResponse, request: FakeChatRequest, message: { content: string | null; refusal: string | null }) => {
    served += 1;
    const prompt = (request.body.messages ?? []).reduce((n, m) => n + String(m.content).length, 0);
    const completionChars = (message.content ?? message.refusal ?? '').length;
    const usage = { prompt_tokens: Math.ceil(prompt / 4), completion_tokens: Math.ceil(completionChars / 4) };
    sendJson(res, 200, {
      id: `chatcmpl-fake${served.toString().padStart(6, '0')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.body.model,
      system_fingerprint: 'fp_fake',
      choices: [{ index: 0, message: { role: 'assistant', ...message }, logprobs: null, finish_reason: 'stop' }],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    });
  };

  const answerOf = (request: FakeChatRequest, content: Extract<FakeLlmMode, { kind: 'answer' }>['content']): string => {
    if (typeof content === 'string') return content;
    if (content) return content(request);
    const prompt = (request.body.messages ?? []).map((m) => m.content).join('\n');
    return JSON.stringify(recorded.find((r) => prompt.includes(r.match))?.answer ?? {});
  };

  const respond = (res: ServerResponse, request: FakeChatRequest) => {
    switch (mode.kind) {
      case 'hang':
        return;
      case 'error':
        return sendJson(res, mode.status, openAiError('The server had an error while processing your request. Sorry about that!', 'server_error', null));
      case 'rate-limited':
        return sendJson(res, 429, openAiError(`Rate limit reached for requests. Please try again in ${mode.retryAfterSeconds}s.`, 'requests', 'rate_limit_exceeded'), {
          'retry-after': String(mode.retryAfterSeconds),
          'x-ratelimit-limit-requests': '60',
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': `${mode.retryAfterSeconds}s`,
        });
      case 'malformed':
        return completion(res, request, { content: 'Sure! Here is what the card documents: {"topics": [{"topic": "overview"', refusal: null });
      case 'refusal':
        return completion(res, request, { content: null, refusal: "I'm sorry, but I can't help with that request." });
      case 'answer':
        return completion(res, request, { content: answerOf(request, mode.content), refusal: null });
    }
  };

  const handle = await startServer((req, res, url) => {
    if (url.pathname !== '/v1/chat/completions') return sendJson(res, 404, openAiError(`Invalid URL (${req.method} ${url.pathname})`, 'invalid_request_error', null));
    if (req.method !== 'POST') return sendJson(res, 405, openAiError(`Invalid method for URL (${req.method} ${url.pathname})`, 'invalid_request_error', null));
    // OpenAI answers 401 before reading the body; so does the fake (it never echoes the key it was sent).
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      req.resume();
      return sendJson(res, 401, openAiError('Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', 'invalid_api_key'));
    }
    void readBody(req).then((text) => {
      let body: FakeChatRequest['body'];
      try {
        body = JSON.parse(text) as FakeChatRequest['body'];
      } catch {
        return sendJson(res, 400, openAiError('We could not parse the JSON body of your request.', 'invalid_request_error', null));
      }
      if (typeof body?.model !== 'string' || !Array.isArray(body.messages) || body.messages.length === 0) {
        return sendJson(res, 400, openAiError("'model' and a non-empty 'messages' array are required.", 'invalid_request_error', null));
      }
      const request: FakeChatRequest = { authorization: req.headers.authorization, body };
      chats.push(request);
      respond(res, request);
    });
  });

  return {
    ...handle,
    baseUrl: `${handle.url}/v1`,
    apiKey,
    chats,
    setMode: (next) => {
      mode = next;
    },
  };
}
