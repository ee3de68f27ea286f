import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeLlm, startFakeLlm } from './fake-llm';

let llm: FakeLlm;

beforeAll(async () => {
  llm = await startFakeLlm();
});
afterAll(async () => {
  await llm.close();
});
beforeEach(() => {
  llm.setMode({ kind: 'answer' });
  llm.chats.length = 0;
});

const request = (messages = [{ role: 'user', content: 'Model: openai/whisper-tiny\nReport the facts as JSON.' }], init: RequestInit = {}) =>
  fetch(`${llm.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${llm.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages, temperature: 0, response_format: { type: 'json_object' } }),
    ...init,
  });

describe('fake LLM (OpenAI chat completions)', () => {
  it('answers a chat.completion in the real shape, with the recorded answer for a known card', async () => {
    const res = await request();
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown> & { choices: Array<{ message: { role: string; content: string } }>; usage: Record<string, number> };
    expect(body).toMatchObject({ object: 'chat.completion', model: 'gpt-4o-mini', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', refusal: null } }] });
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(typeof body.created).toBe('number');
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    expect(JSON.parse(body.choices[0].message.content)).toMatchObject({ topics: expect.arrayContaining([expect.objectContaining({ topic: 'overview' })]) });
    expect(llm.chats[0].body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0 });
    // A card it has no recording for: a model that found nothing.
    const unknown = (await (await request([{ role: 'user', content: 'Model: acme/other' }])).json()) as { choices: Array<{ message: { content: string } }> };
    expect(unknown.choices[0].message.content).toBe('{}');
  });

  it('refuses a missing or wrong key (401) and a malformed request (400) in OpenAI error shape', async () => {
    const noKey = await request(undefined, { headers: { 'content-type': 'application/json' } });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_api_key' } });
    const bad = await fetch(`${llm.baseUrl}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${llm.apiKey}` }, body: '{"model":' });
    expect(bad.status).toBe(400);
    expect(llm.chats).toHaveLength(0);
  });

  it('has modes for failures: 500, 429 with Retry-After, malformed content, a refusal', async () => {
    llm.setMode({ kind: 'error', status: 500 });
    const failed = await request();
    expect([failed.status, ((await failed.json()) as { error: { type: string } }).error.type]).toEqual([500, 'server_error']);
    llm.setMode({ kind: 'rate-limited', retryAfterSeconds: 7 });
    const limited = await request();
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    expect(await limited.json()).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    llm.setMode({ kind: 'malformed' });
    const malformed = (await (await request()).json()) as { choices: Array<{ message: { content: string } }> };
    expect(() => JSON.parse(malformed.choices[0].message.content) as unknown).toThrow();
    llm.setMode({ kind: 'refusal' });
    const refusal = (await (await request()).json()) as { choices: Array<{ message: { content: null; refusal: string } }> };
    expect(refusal.choices[0].message).toMatchObject({ content: null, refusal: expect.stringContaining("can't help") });
  });

  it('hangs on request: no answer arrives', async () => {
    llm.setMode({ kind: 'hang' });
    const caller = new AbortController();
    const answered = request(undefined, { signal: caller.signal }).then(
      () => 'answered',
      () => 'aborted',
    );
    const outcome = await Promise.race([answered, new Promise((r) => setTimeout(() => r('silent'), 200))]);
    caller.abort();
    expect(outcome).toBe('silent');
    expect(await answered).toBe('aborted');
  });
});
