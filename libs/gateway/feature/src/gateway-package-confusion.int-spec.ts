import { Topic } from '@modelguard/contracts';
import { Outbox } from '@modelguard/messaging';
import { expectEventually, publishedEvents, redeliverEvent, seededRandom } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser } from '../test/auth-helpers';
import { startGatewayTestApp, type GatewayTestApp } from '../test/gateway-test-app';
import { loginAsAdmin, type CreatedArtifact } from '../test/helpers';
import { buildZip } from '../test/zip-test-utils';
import { SearchEvents } from './artifacts/search-events';
import type { ConfusionFinding } from './confusion/combined-audit';

const AUDIT = '/artifacts/PackageConfusionAudit';
const MIN = 60_000;

interface Download {
  at: number;
  actor: string;
  address: string;
}

/**
 * Issue 10 point 3 over real HTTP and Postgres: popularity counted from the ArtifactsSearched (v2: counts per
 * window) and ArtifactDownloaded events the gateway itself publishes (outbox → broker → inbox-idempotent
 * consumer), name look-alikes and download traffic anomalies in one answer.
 */
describe('gateway PackageConfusionAudit', () => {
  let app: GatewayTestApp;
  let admin: string;
  const call = <T = unknown>(...args: Parameters<GatewayTestApp['client']['call']>) => app.client.call<T>(...args);
  const upload = async (name: string): Promise<CreatedArtifact> => {
    const res = await call<CreatedArtifact>('POST', `/artifact/model/package?name=${encodeURIComponent(name)}`, {
      token: admin,
      rawBody: await buildZip({ 'README.md': `# ${name}` }),
      contentType: 'application/zip',
    });
    expect(res.status).toBe(201);
    const ref = { artifactId: res.body.metadata.id, artifactType: 'model' as const, name };
    await app.publish(Topic.ScanCompleted, { ...ref, version: '1.0.0', verdict: 'clean', reportId: `r-${name}`, findingCounts: { info: 0, warning: 0, error: 0, critical: 0 } }, ref.artifactId);
    return res.body;
  };
  const download = async (artifact: CreatedArtifact, times: number, token = admin): Promise<void> => {
    for (let i = 0; i < times; i++) expect((await call('GET', `/artifacts/model/${artifact.metadata.id}/download`, { token })).status).toBe(200);
  };
  const counters = async (artifact: { metadata: { id: string } }): Promise<{ downloads: number; searches: number }> => {
    const rows: { downloads: string; search_appearances: string }[] = await app.dataSource.query(
      `SELECT downloads, search_appearances FROM "${app.schema}".artifact_popularity WHERE artifact_id = $1`,
      [artifact.metadata.id],
    );
    return { downloads: Number(rows[0]?.downloads ?? 0), searches: Number(rows[0]?.search_appearances ?? 0) };
  };
  /**
   * Simulated traffic through the real event path: ArtifactDownloaded events written to the outbox like the gateway
   * writes them, with the envelope's occurredAt set to the simulated time before commit (the consumer records it).
   */
  const simulateDownloads = async (artifact: CreatedArtifact, traffic: readonly Download[]): Promise<void> => {
    const outbox = app.service.app.get(Outbox, { strict: false });
    const before = (await counters(artifact)).downloads;
    await app.dataSource.transaction(async (m) => {
      for (const d of traffic) {
        const payload = { artifactId: artifact.metadata.id, artifactType: 'model' as const, name: artifact.metadata.name, version: '1.0.0', part: 'full', actor: { name: d.actor, isAdmin: false }, clientAddress: d.address };
        const envelope = await outbox.enqueue(m, Topic.ArtifactDownloaded, payload, { key: artifact.metadata.id });
        await m.query(`UPDATE "${app.schema}".outbox SET envelope = jsonb_set(envelope, '{occurredAt}', to_jsonb($1::text)) WHERE event_id = $2`, [new Date(d.at).toISOString(), envelope.eventId]);
      }
    });
    await expectEventually(async () => expect((await counters(artifact)).downloads).toBe(before + traffic.length), { timeoutMs: 20_000 });
  };

  beforeAll(async () => {
    app = await startGatewayTestApp();
    admin = await loginAsAdmin(app.client);
  });
  afterAll(async () => app?.close());

  it('lists planted confusables and a bot-pumped package with their reasons, not the organically popular ones', async () => {
    const bert = await upload('bert-base-uncased');
    const whisper = await upload('whisper-tiny');
    const squats = [await upload('bert_base_uncased'), await upload('bert-base-uncasde'), await upload('whlsper-tiny')];
    const benign = await upload('whisper-small');
    const pumped = await upload('fast-tokenizer-pro');

    // Popularity through the HTTP API: 11 downloads and 5 name searches of bert, whisper named once in an enumeration.
    // A listing is not a search: the `*` query lists all 7 and counts none, nor does the named query of another type.
    await download(bert, 11);
    for (let i = 0; i < 5; i++) expect((await call('GET', '/artifact/byName/bert-base-uncased', { token: admin })).status).toBe(200);
    const listing = await call<unknown[]>('POST', '/artifacts', { token: admin, json: [{ name: '*' }, { name: 'whisper-tiny', types: ['dataset'] }] });
    expect(listing.status).toBe(200);
    expect(listing.body).toHaveLength(7);
    expect((await call('POST', '/artifacts', { token: admin, json: [{ name: 'whisper-tiny' }] })).status).toBe(200);
    const user = await registerUser(app.client, admin, 'organic-user', ['search', 'download']);
    await download(whisper, 4, user.token);
    await download(whisper, 4);
    await expectEventually(async () => expect(await counters(bert)).toEqual({ downloads: 11, searches: 5 }), { timeoutMs: 20_000 });
    // whisper's named search came after the listing, so once it is counted the listing's window has been applied too.
    await expectEventually(async () => expect(await counters(whisper)).toEqual({ downloads: 8, searches: 1 }), { timeoutMs: 20_000 });
    expect(await counters(benign)).toEqual({ downloads: 0, searches: 0 });

    // Organic traffic on whisper over the last 8 hours: 80 people at irregular times, from their own addresses.
    const now = Date.now();
    const random = seededRandom(7);
    const organic = Array.from({ length: 80 }, (_, i) => ({ at: now - 8 * 60 * MIN + Math.round(random() * 8 * 60 * MIN), actor: `person-${i % 60}`, address: `198.51.100.${i % 60}` }));
    await simulateDownloads(whisper, organic);
    // The burst: 40 downloads from two accounts behind one address, exactly every 1.5 s, ten minutes ago.
    const burst = Array.from({ length: 40 }, (_, i) => ({ at: now - 10 * MIN + i * 1500, actor: `pump-${i % 2}`, address: '203.0.113.7' }));
    await simulateDownloads(pumped, burst);

    const res = await call<ConfusionFinding[]>('GET', AUDIT, { token: admin });
    expect(res.status).toBe(200);
    const byId = new Map(res.body.map((f) => [f.id, f]));
    expect([...byId.keys()].sort()).toEqual([...squats.map((s) => s.metadata.id), pumped.metadata.id].sort());

    const [underscores, transposed, typo] = squats.map((s) => byId.get(s.metadata.id)!);
    expect(underscores).toMatchObject({ looks_like: { id: bert.metadata.id, name: 'bert-base-uncased' }, traffic_score: null });
    expect(underscores!.reasons.join(' | ')).toContain('differs only in separators');
    expect(underscores!.reasons.at(-1)).toBe("'bert-base-uncased' was downloaded 11 times and appeared in 5 searches, this 0 and 0 (13× less popular)");
    expect(transposed!.reasons[0]).toMatch(/^Damerau-Levenshtein distance 1 /);
    expect(typo).toMatchObject({ looks_like: { id: whisper.metadata.id } });
    expect(typo!.reasons.at(-1)).toMatch(/^'whisper-tiny' was downloaded 88 times and appeared in 1 searches, this 0 and 0 /);

    const bot = byId.get(pumped.metadata.id)!;
    expect(bot).toMatchObject({ looks_like: null, name_score: null });
    expect(bot.score).toBe(bot.traffic_score);
    expect(bot.reasons).toHaveLength(3);
    expect(bot.reasons[0]).toMatch(/^burst: \d\d downloads in the minute from .*× its baseline of 0\.\d+ per minute$/);
    expect(bot.reasons[1]).toBe("few identities: 40 downloads from 2 actors ('pump-0', 'pump-1') and 1 client address, 20 per actor and 40 per address");
    expect(bot.reasons[2]).toBe('metronomic: 40 downloads (all downloads) every 1.50 s, inter-arrival coefficient of variation 0.000 over 39 intervals');
    expect(res.body[0]!.id).toBe(pumped.metadata.id);
  });

  it('counts each event once: every search and download event delivered again changes nothing (inbox)', async () => {
    const totals = async (): Promise<{ traffic: number; downloads: number; searches: number }> => {
      const [row]: { traffic: string; downloads: string; searches: string }[] = await app.dataSource.query(
        `SELECT (SELECT count(*) FROM "${app.schema}".download_traffic) AS traffic,
                sum(downloads) AS downloads, sum(search_appearances) AS searches FROM "${app.schema}".artifact_popularity`,
      );
      return { traffic: Number(row!.traffic), downloads: Number(row!.downloads), searches: Number(row!.searches) };
    };
    const before = await totals();
    // 11 + 8 + 80 + 40 downloads; 5 name searches of bert and whisper named once (the listing counted nothing).
    expect(before).toEqual({ traffic: 139, downloads: 139, searches: 6 });
    const searchCounts = publishedEvents(app.broker, Topic.ArtifactsSearchedV2);
    // However the 6 searches fell into windows, the windows' counts add up to the 6 appearances.
    expect(searchCounts.flatMap((e) => e.payload.appearances).reduce((sum, a) => sum + a.count, 0)).toBe(6);
    const redelivered = [...publishedEvents(app.broker, Topic.ArtifactDownloaded), ...searchCounts];
    expect(redelivered).toHaveLength(139 + searchCounts.length);
    for (const envelope of redelivered) await redeliverEvent(app.broker, envelope);
    await app.broker.whenIdle();
    expect(app.broker.messages(Topic.ArtifactDownloaded)).toHaveLength(2 * 139);
    expect(await totals()).toEqual(before);
  });

  it('answers 401 to a caller without admin, like /reset', async () => {
    const user = await registerUser(app.client, admin, 'confusion-user', ['upload', 'search', 'download']);
    expect((await call('GET', AUDIT, { token: user.token })).status).toBe(401);
    expect((await call('GET', AUDIT)).status).toBe(403);
  });

  it('counts searches in memory and publishes one event per window with the sum per artifact', async () => {
    const events = app.service.app.get(SearchEvents);
    // Read from the table, not searched for: a search would put its own window on the way.
    const [found]: { id: string }[] = await app.dataSource.query(`SELECT id FROM "${app.schema}".artifacts WHERE name = 'bert-base-uncased'`);
    const bert = { metadata: { id: found!.id } };
    const before = (await counters(bert)).searches;
    const listed = (id: string) => ({ id, name: id, type: 'model' as const });
    // 30 answers in one window (no await in between, so the flush timer cannot split them): bert in all, y in 10.
    for (let i = 0; i < 30; i++) events.searched(i % 3 === 0 ? [listed(bert.metadata.id), listed('window-y')] : [listed(bert.metadata.id)]);
    events.searched([]);
    await events.flush();
    const windows = await expectEventually(() => {
      const seen = publishedEvents(app.broker, Topic.ArtifactsSearchedV2).filter((e) => e.payload.appearances.some((a) => a.artifactId === 'window-y'));
      expect(seen).toHaveLength(1);
      return seen;
    }, { timeoutMs: 20_000 });
    expect(windows[0]!.payload.appearances).toEqual([{ artifactId: bert.metadata.id, count: 30 }, { artifactId: 'window-y', count: 10 }]);
    expect(Date.parse(windows[0]!.payload.from)).toBeLessThanOrEqual(Date.parse(windows[0]!.payload.to));
    // The consumer adds the window's sum; 'window-y' is no artifact and is skipped.
    await expectEventually(async () => expect((await counters(bert)).searches).toBe(before + 30), { timeoutMs: 20_000 });
    expect((await counters({ metadata: { id: 'window-y' } })).searches).toBe(0);
  });

  it('still applies v1 search events published before the upgrade, once each', async () => {
    const [found]: { id: string }[] = await app.dataSource.query(`SELECT id FROM "${app.schema}".artifacts WHERE name = 'bert-base-uncased'`);
    const bert = { metadata: { id: found!.id } };
    const before = (await counters(bert)).searches;
    const payload = { query: 'byName' as const, artifactIds: [bert.metadata.id], total: 1, actor: { name: 'old-gateway', isAdmin: false }, searchedAt: new Date().toISOString() };
    await app.publish(Topic.ArtifactsSearched, payload, 'old-gateway');
    await expectEventually(async () => expect((await counters(bert)).searches).toBe(before + 1), { timeoutMs: 20_000 });
    const [v1] = publishedEvents(app.broker, Topic.ArtifactsSearched);
    await redeliverEvent(app.broker, v1!);
    await app.broker.whenIdle();
    expect((await counters(bert)).searches).toBe(before + 1);
  });

  it('a registry reset clears the counters and the traffic record', async () => {
    expect((await call('DELETE', '/reset', { token: admin })).status).toBe(200);
    for (const table of ['artifact_popularity', 'download_traffic']) {
      const rows: { n: string }[] = await app.dataSource.query(`SELECT count(*) AS n FROM "${app.schema}".${table}`);
      expect(Number(rows[0]!.n), table).toBe(0);
    }
    expect((await call<ConfusionFinding[]>('GET', AUDIT, { token: admin })).body).toEqual([]);
  });

  it('audits 10,000 registered names within a bounded time and caps the answer', async () => {
    const s = app.schema;
    // 1,000 popular names with 20 downloads each, and 9,000 others of which a third imitate one of them.
    await app.dataSource.query(
      `INSERT INTO "${s}".artifacts (id, type, name, url, latest_version)
       SELECT 'bulk' || i, 'model',
              CASE WHEN i < 1000 THEN 'family-' || i || '-base-model'
                   WHEN i % 3 = 0 THEN 'family_' || (i % 1000) || '_base_model'
                   ELSE 'unrelated-' || md5(i::text) END,
              'https://huggingface.co/bulk/' || i, '1.0.0'
         FROM generate_series(0, 9999) AS i`,
    );
    await app.dataSource.query(`INSERT INTO "${s}".artifact_popularity (artifact_id, downloads) SELECT 'bulk' || i, 20 FROM generate_series(0, 999) AS i`);
    const started = performance.now();
    const res = await call<ConfusionFinding[]>('GET', AUDIT, { token: admin });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(100);
    expect(res.body[0]!.looks_like?.name).toMatch(/^family-\d+-base-model$/);
    expect(elapsed).toBeLessThan(5_000);
  });
});
