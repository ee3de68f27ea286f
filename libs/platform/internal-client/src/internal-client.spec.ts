import { defineQuery } from '@modelguard/contracts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InternalClient } from './internal-client';
import { InternalQueryError } from './internal-query.error';

const Thing = defineQuery({
  name: 'Thing',
  summary: 'a thing',
  server: 'scan',
  callers: ['gateway'],
  status: 'live',
  method: 'GET',
  path: '/internal/things/:id',
  request: z.object({ id: z.string().regex(/^[a-z0-9-]+$/), v: z.string().optional() }),
  responses: { 200: z.object({ id: z.string(), n: z.number() }), 202: z.object({ status: z.literal('pending') }) },
  maxResponseBytes: 1024,
});

/** A real HTTP server standing in for the scan service; the id picks the behaviour. */
function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const id = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  res.setHeader('content-type', 'application/json');
  switch (id) {
    case 'ok':
      return void res.end(JSON.stringify({ id, n: Number(url.searchParams.get('v') ?? 1), extra: true }));
    case 'pending':
      return void res.writeHead(202).end('{"status":"pending"}');
    case 'missing':
      return void res.writeHead(404).end('{"error":"nope"}');
    case 'broken':
      return void res.writeHead(500).end('{"error":"stack trace here"}');
    case 'teapot':
      return void res.writeHead(418).end('{}');
    case 'not-json':
      return void res.end('<html>');
    case 'wrong-shape':
      return void res.end('{"id":1}');
    case 'huge':
      return void res.end(JSON.stringify({ id, n: 1, pad: 'x'.repeat(5000) }));
    case 'slow':
      // Answers long after any client here gives up (the timeout test uses 500 ms; the others allow 15 s for load).
      return void setTimeout(() => res.end('{"id":"slow","n":1}'), 30_000).unref();
    default:
      return void res.writeHead(400).end('{}');
  }
}

describe('InternalClient', () => {
  let server: Server;
  let client: InternalClient;
  let baseUrl = '';
  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(InternalQueryError);
    return error as InternalQueryError;
  };

  beforeAll(async () => {
    server = createServer(handle);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    // A generous timeout: a loaded CI machine can take seconds to answer on the loopback (was 300 ms, and flaky).
    client = new InternalClient({ baseUrls: { scan: baseUrl }, timeoutMs: 15_000 });
  });
  afterAll(() => new Promise<void>((r) => {
    server.closeAllConnections(); // the slow answer's socket would otherwise hold close() for 30 s
    server.close(() => r());
  }));

  it('builds the URL from the contract and returns the body parsed by the schema of its status', async () => {
    const ok = await client.query(Thing, { id: 'ok', v: '7' });
    expect(ok).toEqual({ status: 200, body: { id: 'ok', n: 7 } });
    expect(await client.query(Thing, { id: 'pending' })).toEqual({ status: 202, body: { status: 'pending' } });
  });

  it('maps 404 to not-found and any other status to upstream-status, without the upstream body', async () => {
    expect((await failure(client.query(Thing, { id: 'missing' }))).kind).toBe('not-found');
    const broken = await failure(client.query(Thing, { id: 'broken' }));
    expect([broken.kind, broken.status, broken.query, broken.service]).toEqual(['upstream-status', 500, 'Thing', 'scan']);
    expect(broken.message).not.toMatch(/stack trace/);
    expect((await failure(client.query(Thing, { id: 'teapot' }))).kind).toBe('upstream-status');
  });

  it('refuses answers outside the contract: not JSON, wrong shape, too large', async () => {
    expect((await failure(client.query(Thing, { id: 'not-json' }))).kind).toBe('invalid-response');
    expect((await failure(client.query(Thing, { id: 'wrong-shape' }))).kind).toBe('invalid-response');
    expect((await failure(client.query(Thing, { id: 'huge' }))).kind).toBe('too-large');
  });

  it('bounds the time and reports unreachable or unconfigured services', async () => {
    const impatient = new InternalClient({ baseUrls: { scan: baseUrl }, timeoutMs: 500 });
    expect((await failure(impatient.query(Thing, { id: 'slow' }))).kind).toBe('unreachable');
    const closed = new InternalClient({ baseUrls: { scan: 'http://127.0.0.1:1' }, timeoutMs: 1000 });
    expect((await failure(closed.query(Thing, { id: 'ok' }))).kind).toBe('unreachable');
    const none = new InternalClient({ baseUrls: {}, timeoutMs: 1000 });
    expect((await failure(none.query(Thing, { id: 'ok' }))).kind).toBe('not-configured');
  });

  it('never sends a request the contract refuses', async () => {
    expect((await failure(client.query(Thing, { id: '../../admin' }))).kind).toBe('invalid-request');
  });

  it('fails over between comma-separated instances: a dead one (connection refused) or a 5xx one is skipped', async () => {
    // A second real server that answers every query 503, like an instance that is shutting down.
    const sick = createServer((_req, res) => void res.writeHead(503).end('{}'));
    await new Promise<void>((r) => sick.listen(0, '127.0.0.1', r));
    const sickUrl = `http://127.0.0.1:${(sick.address() as AddressInfo).port}`;
    try {
      const spread = new InternalClient({ baseUrls: { scan: `http://127.0.0.1:1, ${sickUrl},${baseUrl}` }, timeoutMs: 15_000 });
      // Every starting instance of the rotation ends at the healthy one.
      for (let i = 0; i < 3; i++) expect(await spread.query(Thing, { id: 'ok', v: String(i) })).toEqual({ status: 200, body: { id: 'ok', n: i } });
      // 404 is an answer, not a failure: no failover turns it into something else.
      expect((await failure(spread.query(Thing, { id: 'missing' }))).kind).toBe('not-found');
      // All instances dead or sick: the last answer decides.
      const allBad = new InternalClient({ baseUrls: { scan: `http://127.0.0.1:1,${sickUrl}` }, timeoutMs: 15_000 });
      const errors = [await failure(allBad.query(Thing, { id: 'ok' })), await failure(allBad.query(Thing, { id: 'ok' }))];
      expect(errors.map((e) => e.kind).sort()).toEqual(['unreachable', 'upstream-status']);
    } finally {
      await new Promise<void>((r) => sick.close(() => r()));
    }
  });
});
