import type { Page, Route } from 'playwright-core';

/** The upload page's chunk requests (PATCH) and status queries (GET/HEAD) of one resumable upload session. */
export const SESSION_URL = /\/upload-sessions\/[0-9a-f-]{36}$/;
/** The upload page's completion request. */
export const COMPLETE_URL = /\/upload-sessions\/[0-9a-f-]{36}\/complete$/;

export interface SentChunk {
  /** The Upload-Offset the page asked for. */
  offset: number;
  /** Bytes the page put on the wire for this chunk. */
  bytes: number;
}

/** What a test does with the n-th chunk (1-based): answer for the registry, cut the connection, or pass it on. */
export type ChunkFate = (attempt: number, route: Route, body: Buffer) => Promise<void>;

/**
 * Intercepts the chunks the page sends, records each one's offset and size (so a test can count what a resume sent)
 * and hands it to `fate`. Status queries pass through untouched. Returns the log and a function removing the route.
 */
export async function interceptChunks(page: Page, fate: ChunkFate): Promise<{ sent: SentChunk[]; stop: () => Promise<void> }> {
  const sent: SentChunk[] = [];
  const handler = async (route: Route) => {
    const request = route.request();
    if (request.method() !== 'PATCH') return route.continue();
    const body = request.postDataBuffer() ?? Buffer.alloc(0);
    sent.push({ offset: Number(await request.headerValue('upload-offset')), bytes: body.length });
    await fate(sent.length, route, body);
  };
  await page.route(SESSION_URL, handler);
  return { sent, stop: () => page.unroute(SESSION_URL, handler) };
}

/** A dropped connection part-way through a chunk: the registry receives `keep` bytes of it, the page an error. */
export async function cutAfter(route: Route, body: Buffer, keep: number): Promise<number> {
  const forwarded = await route.fetch({ postData: body.subarray(0, keep) });
  await route.abort('connectionreset');
  return forwarded.status();
}
