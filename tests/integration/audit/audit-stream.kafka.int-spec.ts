import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { AuditModule, runAuditVerify } from '@modelguard/audit-feature';
import { ALL_TOPICS, AUDIT_ENTRY_APPENDED_KEY, type AuditEntryAppendedV1, dltTopicOf, type Envelope, Topic } from '@modelguard/contracts';
import { GatewayFeatureModule } from '@modelguard/gateway-feature';
import { ContractClient, loginAsAdmin } from '@modelguard/gateway-feature/testing';
import { EventPublisher } from '@modelguard/messaging';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { createKafkaTopics, createTestSchemaName, dropSchemas, expectEventually, queryRows, recordKafkaTopics, serviceTestEnv, testInfra, type TopicRecorder, uniqueSuffix, startGroupAtEnd } from '@modelguard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openNeverReadingClient, openSse, type SseStream } from './sse-test-client';

/**
 * The live audit stream end to end over real Kafka and PostgreSQL: artifact events reach the audit service, each
 * appended entry is published once on audit.entry-appended.v1, and the gateway's GET /audit/stream serves the entries
 * live (filtered), resumes from Last-Event-ID with exactly the missed entries, and cuts off a client that never reads.
 * The broker is shared with other runs, so every expectation is computed from this run's own audit table.
 */
describe('audit stream over Kafka: entry-appended events and GET /audit/stream', () => {
  const run = uniqueSuffix().replace(/[^a-z0-9]/g, '');
  const schemas = { audit: createTestSchemaName('aust_au'), gateway: createTestSchemaName('aust_gw') };
  const table = `"${schemas.audit}".audit_entry`;
  const db = testInfra.databaseUrl;
  const actors = { one: `alice-${run}`, two: `bob-${run}` };
  let dir: string;
  const services: RunningService[] = [];
  let audit: RunningService;
  let gateway: RunningService;
  let publisher: EventPublisher;
  let token: string;
  let recorder: TopicRecorder;
  const open: SseStream[] = [];

  beforeAll(async () => {
    await createKafkaTopics([...ALL_TOPICS, ...ALL_TOPICS.map(dltTopicOf)]);
    await Promise.all(['audit', 'gateway'].map((service) => startGroupAtEnd(`it-${run}-${service}`, ALL_TOPICS)));
    recorder = await recordKafkaTopics([Topic.AuditEntryAppended]);
    dir = await mkdtemp(join(tmpdir(), 'audit-stream-'));
    const env = (service: string, extra: Record<string, string> = {}) =>
      serviceTestEnv({ MESSAGING_TRANSPORT: 'kafka', KAFKA_CLIENT_ID: `it-${run}-${service}`, DATA_DIR: join(dir, service), STORAGE_ROOT: join(dir, 'blobs'), ...extra });
    audit = await bootstrapService({
      service: 'audit',
      module: AuditModule.forService({ schema: schemas.audit, checkpointIntervalMs: 0 }),
      httpPort: 0,
      env: env('audit'),
      shutdownHooks: false,
      exitOnConfigError: false,
    });
    services.push(audit);
    publisher = audit.app.get(EventPublisher, { strict: false });
    @Module({ imports: [GatewayFeatureModule.forRoot({ schema: schemas.gateway, gateway: { tmpDir: join(dir, 'gateway-tmp'), ratingGate: false } })] })
    class GatewayRoot {}
    gateway = await bootstrapService({
      service: 'gateway',
      module: GatewayRoot,
      httpPort: 0,
      env: env('gateway', {
        AUDIT_URL: audit.url,
        GATEWAY_AUDIT_STREAM_MAX_PER_USER: '3',
        GATEWAY_AUDIT_STREAM_HEARTBEAT_MS: '300',
        GATEWAY_AUDIT_STREAM_MAX_BUFFERED_BYTES: String(256 * 1024),
      }),
      shutdownHooks: false,
      exitOnConfigError: false,
    });
    services.push(gateway);
    token = await loginAsAdmin(new ContractClient(gateway.url));
  }, 180_000);

  afterAll(async () => {
    for (const s of open) s.close();
    await recorder?.stop();
    for (const service of services.reverse()) await service.close();
    await dropSchemas(db, Object.values(schemas));
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  // A failed test must not hold the user's stream slots into the next one (req.destroy() is idempotent).
  afterEach(() => {
    for (const s of open) s.close();
  });

  const stream = async (query = '', headers: Record<string, string> = {}) => {
    const s = await openSse(`${gateway.url}/audit/stream${query}`, { 'X-Authorization': token, ...headers });
    open.push(s);
    return s;
  };
  /** Appends entries through the real path: an ArtifactCreated event on Kafka, consumed and chained by audit. */
  const create = async (actor: string, n: number) => {
    for (let i = 0; i < n; i++) {
      const id = `s-${run}-${uniqueSuffix()}`.replace(/[^a-zA-Z0-9-]/g, '');
      await publisher.publish(Topic.ArtifactCreated, { artifactId: id, artifactType: 'model', name: `m${i}`, url: 'https://huggingface.co/m', version: '1.0.0', actor: { name: actor, isAdmin: false } }, { key: id });
    }
  };
  type Row = { id: string; event_id: string; user_name: string | null };
  const rowsOf = (actor?: string) =>
    queryRows<Row>(db, `SELECT id::text, event_id, user_name FROM ${table} ${actor === undefined ? '' : 'WHERE user_name = $1'} ORDER BY id::bigint`, actor === undefined ? [] : [actor]);
  const ids = (s: SseStream) => s.events.map((e) => e.id);
  /** Opens the user's three streams once the slots of earlier (closed) streams are free: sockets close asynchronously. */
  const holdAllSlots = () =>
    expectEventually(
      async () => {
        const held = [await stream(), await stream(), await stream()];
        if (held.some((s) => s.status !== 200)) for (const s of held) s.close();
        expect(held.map((s) => s.status)).toEqual([200, 200, 200]);
        return held;
      },
      { timeoutMs: 15_000, intervalMs: 200 },
    );

  it('refuses what it cannot serve before opening a stream: 400 for bad filters, 401/403 for missing or forged tokens', async () => {
    for (const query of ['?action=EXPLODE', '?artifact=a%2Fb', '?actor=' + 'x'.repeat(300), '?colour=red', '?action=CREATE&action=UPDATE', '?lastEventId=-1']) {
      const s = await stream(query);
      expect(s.status, query).toBe(400);
      expect(s.body, query).toMatch(/error/);
    }
    expect((await stream('', { 'Last-Event-ID': 'abc' })).status).toBe(400);
    const anonymous = await openSse(`${gateway.url}/audit/stream`, {});
    expect([401, 403]).toContain(anonymous.status);
    const forged = await openSse(`${gateway.url}/audit/stream`, { 'X-Authorization': `${token.slice(0, -4)}AAAA` });
    expect([401, 403]).toContain(forged.status);
  });

  it('streams appended entries live as text/event-stream (id = entry id), filtered by actor and action, with heartbeats', async () => {
    const one = await stream(`?actor=${actors.one}&action=CREATE`);
    const all = await stream();
    expect(one.status).toBe(200);
    expect(one.contentType).toMatch(/^text\/event-stream/);
    await create(actors.one, 3);
    await create(actors.two, 2);
    await expectEventually(async () => expect(ids(one)).toEqual((await rowsOf(actors.one)).map((r) => r.id)), { timeoutMs: 60_000, intervalMs: 200 });
    expect(one.events.every((e) => (e.data['actor'] as { name: string }).name === actors.one && e.data['action'] === 'CREATE')).toBe(true);
    // The unfiltered stream has every entry of this log (whatever other runs on the broker added), once, in order.
    // (Refusals of the previous test may be appended before it opened: compared from its first entry on.)
    await expectEventually(
      async () => {
        expect(all.events.length).toBeGreaterThanOrEqual(5);
        expect(ids(all)).toEqual((await rowsOf()).map((r) => r.id).filter((id) => BigInt(id) >= BigInt(all.events[0].id)));
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const byArtifact = await stream(`?artifact=${(one.events[0].data['artifact'] as { id: string }).id}&lastEventId=0`);
    await expectEventually(() => expect(ids(byArtifact)).toEqual([one.events[0].id]), { timeoutMs: 30_000 });
    // Waited for: a fast run (319 ms in fresh-clone CI run 37) ends before the first 300 ms heartbeat is due.
    await expectEventually(() => expect(one.comments).toContain('heartbeat'), { timeoutMs: 5_000 });
    for (const s of [one, all, byArtifact]) s.close();
    // The gateway's wake-up on each entry writes nothing, so it keeps no inbox row (one per entry, for days, before).
    const inbox = await queryRows(db, `SELECT 1 FROM "${schemas.gateway}".inbox WHERE topic = $1`, [Topic.AuditEntryAppended]);
    expect(inbox).toHaveLength(0);
  }, 120_000);

  it('publishes audit.entry-appended.v1 once per appended entry, keyed audit-chain, with the stored entry', async () => {
    const rows = await rowsOf();
    expect(rows.length).toBeGreaterThanOrEqual(5);
    await expectEventually(
      () => {
        const events = recorder.messages(Topic.AuditEntryAppended).map((m) => ({ key: m.key, payload: (JSON.parse(m.value) as Envelope<AuditEntryAppendedV1>).payload }));
        for (const row of rows) {
          const mine = events.filter((e) => e.payload.eventId === row.event_id);
          expect(mine, row.id).toHaveLength(1);
          expect(mine[0]).toMatchObject({ key: AUDIT_ENTRY_APPENDED_KEY, payload: { id: row.id, actor: row.user_name === null ? null : { name: row.user_name } } });
        }
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }, 60_000);

  it('resumes with Last-Event-ID: exactly the missed entries are replayed, then live ones follow, no gap and no duplicate', async () => {
    const first = await stream(`?actor=${actors.two}`);
    await create(actors.two, 2);
    await expectEventually(async () => expect(first.events).toHaveLength(2), { timeoutMs: 60_000, intervalMs: 200 });
    first.close();
    const lastSeen = first.events[1].id;
    // Missed while disconnected: committed before the reconnect, so they can only come from the replay.
    await create(actors.two, 3);
    await expectEventually(async () => expect((await rowsOf(actors.two)).filter((r) => BigInt(r.id) > BigInt(lastSeen))).toHaveLength(3), { timeoutMs: 60_000, intervalMs: 200 });
    const resumed = await stream(`?actor=${actors.two}`, { 'Last-Event-ID': lastSeen });
    await expectEventually(() => expect(resumed.events).toHaveLength(3), { timeoutMs: 30_000, intervalMs: 100 });
    await create(actors.two, 2);
    const after = async () => (await rowsOf(actors.two)).filter((r) => BigInt(r.id) > BigInt(lastSeen)).map((r) => r.id);
    // Wait for all five to be chained first: before the last two are appended, the stream and the table agree on three.
    await expectEventually(
      async () => {
        const expected = await after();
        expect(expected).toHaveLength(5);
        expect(ids(resumed)).toEqual(expected);
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(new Set([...ids(first), ...ids(resumed)]).size).toBe(7);
    resumed.close();
  }, 120_000);

  it('caps concurrent streams per user (429), and frees the slot when a stream ends', async () => {
    const held = await holdAllSlots();
    const refused = await stream();
    expect(refused.status).toBe(429);
    held[0].close();
    await expectEventually(async () => {
      const again = await stream();
      again.close();
      expect(again.status).toBe(200);
    }, { timeoutMs: 10_000, intervalMs: 100 });
    for (const s of held) s.close();
  }, 60_000);

  /** `modelguard audit verify` in-process (the launcher only requires this module): exit code and what it printed. */
  const cli = async (...argv: string[]) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    stdout.on('data', (c: Buffer) => out.push(c));
    stderr.on('data', (c: Buffer) => err.push(c));
    const code = await runAuditVerify(argv, { stdout, stderr });
    return { code, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() };
  };
  /** The whole log as an operator exports it: every page of GET /audit/entries, one page per line. */
  const exportEntries = async (file: string) => {
    const pages: string[] = [];
    let after = '0';
    for (;;) {
      const res = await fetch(`${gateway.url}/audit/entries?limit=500&after=${after}`, { headers: { 'X-Authorization': token } });
      expect(res.status).toBe(200);
      const page = (await res.json()) as { entries: unknown[]; next: string | null };
      pages.push(JSON.stringify(page));
      if (page.next === null) break;
      after = page.next;
    }
    await writeFile(file, `${pages.join('\n')}\n`);
  };

  it('modelguard audit verify: exit 0 on the intact chain, 1 naming the tampered row, 2 on usage errors (online and offline)', async () => {
    const keyFile = join(dir, 'audit', 'audit-chain.key');
    const checkpointFile = join(dir, 'audit', 'audit-checkpoints', `${schemas.audit}.json`);
    const exportFile = join(dir, 'export.ndjson');
    expect((await fetch(`${audit.url}/internal/audit/checkpoint`, { method: 'POST' })).status).toBe(201);

    expect((await cli()).code).toBe(2);
    expect((await cli('--url', gateway.url)).code).toBe(2);
    expect((await cli('--entries', exportFile)).code).toBe(2);
    expect((await cli('--url', gateway.url, '--token', token, '--format', 'xml')).code).toBe(2);
    expect((await cli('--url', gateway.url, '--token', 'bearer forged')).code).toBe(2);
    expect((await cli('--entries', join(dir, 'missing.json'), '--key-file', keyFile)).code).toBe(2);

    const online = await cli('--url', gateway.url, '--token', token);
    expect(online, online.err).toMatchObject({ code: 0 });
    expect(online.out).toMatch(/^OK audit chain intact: \d+ entries verified/);
    await exportEntries(exportFile);
    const offline = await cli('--entries', exportFile, '--key-file', keyFile, '--checkpoint', checkpointFile, '--format', 'json');
    expect(offline.code, offline.out + offline.err).toBe(0);
    expect(JSON.parse(offline.out)).toMatchObject({ ok: true, checkpoint: { entries: expect.any(Number) } });

    // The export cut short of the checkpoint: the tail is missing.
    const lines = (await readFile(exportFile, 'utf8')).trim().split('\n');
    const lastPage = JSON.parse(lines[lines.length - 1]) as { entries: unknown[] };
    lastPage.entries.pop();
    await writeFile(join(dir, 'cut.ndjson'), [...lines.slice(0, -1), JSON.stringify(lastPage)].join('\n'));
    const cut = await cli('--entries', join(dir, 'cut.ndjson'), '--key-file', keyFile, '--checkpoint', checkpointFile);
    expect(cut.code).toBe(1);
    expect(cut.out).toMatch(/truncated/);

    // A row rewritten in PostgreSQL by someone without the chain key.
    const rows = await rowsOf(actors.one);
    const victim = rows[1];
    await queryRows(db, `UPDATE ${table} SET user_name = 'mallory' WHERE id = $1`, [victim.id]);
    try {
      const broken = await cli('--url', gateway.url, '--token', token);
      expect(broken.code).toBe(1);
      expect(broken.out).toContain(`BROKEN audit chain at entry ${victim.id} (event ${victim.event_id}): link does not match the entry`);
      await exportEntries(exportFile);
      const brokenOffline = await cli('--entries', exportFile, '--key-file', keyFile, '--format', 'json');
      expect(brokenOffline.code).toBe(1);
      expect(JSON.parse(brokenOffline.out)).toMatchObject({ ok: false, entryId: victim.id, brokenAt: victim.event_id, problem: 'link does not match the entry' });
    } finally {
      await queryRows(db, `UPDATE ${table} SET user_name = $1 WHERE id = $2`, [actors.one, victim.id]);
    }
    expect((await cli('--url', gateway.url, '--token', token)).code).toBe(0);
  }, 120_000);

  it('drops a client that never reads (bounded memory) while another client keeps receiving every entry', async () => {
    for (const s of await holdAllSlots()) s.close();
    const reader = await stream('?actor=bulk-' + run);
    const port = Number(new URL(gateway.url).port);
    const stuck = await openNeverReadingClient(port, '/audit/stream', token);
    const holder = await stream();
    // The user holds all three slots now, the stuck client's among them.
    await expectEventually(async () => expect((await stream()).status).toBe(429), { timeoutMs: 10_000, intervalMs: 100 });
    // Far more than the socket buffers (a few MB on loopback) plus the 256 KiB bound: ~9 MB of entries, inserted in
    // SQL (the stream serves rows as the audit service stores them; their links are not its concern).
    await queryRows(
      db,
      `INSERT INTO ${table} (event_id, artifact_id, artifact_type, artifact_name, action, user_name, user_is_admin, occurred_at, key_id, prev_hash, hash)
       SELECT gen_random_uuid(), 'bulk-' || g, 'model', repeat('n', 4000), 'CREATE', $1, false, now(), 'bulk', repeat('0', 64), repeat('0', 64) FROM generate_series(1, 2000) g`,
      [`bulk-${run}`],
    );
    const bulk = (await rowsOf(`bulk-${run}`)).map((r) => r.id);
    expect(bulk).toHaveLength(2000);
    // Both reading clients get every entry, in order, and stay connected.
    await expectEventually(() => expect(ids(reader)).toEqual(bulk), { timeoutMs: 90_000, intervalMs: 200 });
    await expectEventually(() => expect(ids(holder).filter((id) => bulk.includes(id))).toEqual(bulk), { timeoutMs: 90_000, intervalMs: 200 });
    expect(reader.ended).toBe(false);
    expect(holder.ended).toBe(false);
    // The stuck client was cut off: its slot is free again ...
    await expectEventually(async () => {
      const again = await stream();
      again.close();
      expect(again.status).toBe(200);
    }, { timeoutMs: 30_000, intervalMs: 200 });
    // ... and once it does read, it finds the connection closed by the server, short of the 9 MB.
    let received = 0;
    stuck.socket.on('data', (chunk: Buffer) => (received += chunk.length));
    stuck.socket.resume();
    await expectEventually(() => expect(stuck.closed()).toBe(true), { timeoutMs: 30_000, intervalMs: 100 });
    expect(received).toBeLessThan(2000 * 4000);
    reader.close();
    holder.close();
  }, 240_000);
});
