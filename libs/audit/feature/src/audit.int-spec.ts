import { Topic } from '@modelguard/contracts';
import { EventPublisher, InProcessBroker } from '@modelguard/messaging';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import { createTestSchemaName, dropSchemas, expectEventually, queryRows, serviceTestEnv, testInfra, uniqueSuffix } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditModule } from './index';

describe('audit service (in-process broker, real Postgres)', () => {
  const broker = new InProcessBroker();
  const schema = createTestSchemaName('audit');
  const run = uniqueSuffix();
  let audit: RunningService;
  let publisher: EventPublisher;
  const actor = { name: 'alice', isAdmin: true };

  beforeAll(async () => {
    audit = await bootstrapService({
      service: `audit-${run}`,
      module: AuditModule.forService({ service: `audit-${run}`, schema }),
      inProcessBroker: broker,
      env: serviceTestEnv(),
      shutdownHooks: false,
      exitOnConfigError: false,
    });
    publisher = audit.app.get(EventPublisher, { strict: false });
  });

  afterAll(async () => {
    await audit?.close();
    await dropSchemas(testInfra.databaseUrl, [schema]);
  });

  const trail = async (id: string) => (await fetch(`${audit.url}/internal/artifacts/${id}/audit`)).json() as Promise<unknown[]>;

  it('records create, update and download in time order and serves them in the spec shape', async () => {
    const id = `m-${run}`;
    const ref = { artifactId: id, artifactType: 'model' as const, name: 'bert' };
    await publisher.publish(Topic.ArtifactCreated, { ...ref, url: 'https://huggingface.co/bert', version: '1.0.0', actor }, { key: id });
    await publisher.publish(Topic.ArtifactUpdated, { ...ref, url: 'https://huggingface.co/bert', version: '1.1.0', actor: { name: 'bob', isAdmin: false } }, { key: id });
    await publisher.publish(Topic.ArtifactDownloaded, { ...ref, version: '1.1.0', part: 'full', actor }, { key: id });
    await broker.whenIdle();
    const entries = await trail(id);
    expect(entries).toEqual([
      { user: { name: 'alice', is_admin: true }, date: expect.any(String), artifact: { name: 'bert', id, type: 'model' }, action: 'CREATE' },
      { user: { name: 'bob', is_admin: false }, date: expect.any(String), artifact: { name: 'bert', id, type: 'model' }, action: 'UPDATE' },
      { user: { name: 'alice', is_admin: true }, date: expect.any(String), artifact: { name: 'bert', id, type: 'model' }, action: 'DOWNLOAD' },
    ]);
    const dates = (entries as Array<{ date: string }>).map((e) => Date.parse(e.date));
    expect([...dates].sort((a, b) => a - b)).toEqual(dates);
  });

  it('records a sensitivity change (model marked sensitive, monitor program attached) as an UPDATE', async () => {
    const id = `s-${run}`;
    const ref = { artifactId: id, artifactType: 'model' as const, name: 'guarded' };
    await publisher.publish(Topic.SensitivityChanged, { ...ref, change: 'program-attached', programSha256: 'a'.repeat(64), actor }, { key: id });
    await broker.whenIdle();
    expect(await trail(id)).toEqual([{ user: { name: 'alice', is_admin: true }, date: expect.any(String), artifact: { name: 'guarded', id, type: 'model' }, action: 'UPDATE' }]);
  });

  it("records an admin override's reason and the verdict it set aside, covered by the chain", async () => {
    const id = `o-${run}`;
    const ref = { artifactId: id, artifactType: 'model' as const, name: 'held' };
    const override = { reason: 'false positive: reviewed the pickle opcodes', overridden: 'blocked' as const };
    await publisher.publish(Topic.ArtifactUpdated, { ...ref, url: 'https://huggingface.co/held', version: '1.0.0', actor, override }, { key: id });
    await broker.whenIdle();
    const page = (await (await fetch(`${audit.url}/internal/audit/entries?artifact=${id}`)).json()) as { entries: Array<Record<string, unknown>> };
    expect(page.entries).toEqual([expect.objectContaining({ action: 'UPDATE', actor, override })]);
    // The spec trail still shows a plain UPDATE (its schema has no override).
    expect(await trail(id)).toEqual([{ user: { name: 'alice', is_admin: true }, date: expect.any(String), artifact: { name: 'held', id, type: 'model' }, action: 'UPDATE' }]);
    await queryRows(testInfra.databaseUrl, `UPDATE "${schema}".audit_entry SET override_reason = 'routine' WHERE artifact_id = $1`, [id]);
    expect(await (await fetch(`${audit.url}/internal/audit/verify`)).json()).toMatchObject({ ok: false, problem: 'link does not match the entry' });
    await queryRows(testInfra.databaseUrl, `UPDATE "${schema}".audit_entry SET override_reason = $2 WHERE artifact_id = $1`, [id, override.reason]);
    expect(await (await fetch(`${audit.url}/internal/audit/verify`)).json()).toMatchObject({ ok: true });
  });

  it('stores a DELETE entry but does not serve it (not in the spec enum)', async () => {
    const id = `d-${run}`;
    const ref = { artifactId: id, artifactType: 'dataset' as const, name: 'squad' };
    await publisher.publish(Topic.ArtifactCreated, { ...ref, url: 'https://huggingface.co/datasets/squad', version: '1.0.0', actor }, { key: id });
    await publisher.publish(Topic.ArtifactDeleted, { ...ref, actor }, { key: id });
    await broker.whenIdle();
    expect((await trail(id)).map((e) => (e as { action: string }).action)).toEqual(['CREATE']);
    const rows = await queryRows<{ action: string }>(testInfra.databaseUrl, `SELECT action FROM "${schema}".audit_entry WHERE artifact_id = $1 ORDER BY id`, [id]);
    expect(rows.map((r) => r.action)).toEqual(['CREATE', 'DELETE']);
  });

  it('records a redelivered event once', async () => {
    const id = `dup-${run}`;
    const envelope = await publisher.publish(Topic.ArtifactCreated, { artifactId: id, artifactType: 'code', name: 'lib', url: 'https://github.com/a/b', version: '1.0.0', actor }, { key: id });
    await broker.whenIdle();
    const wire = broker.messages(Topic.ArtifactCreated).find((m) => m.value.includes(envelope.eventId))!;
    await broker.send([wire, wire]);
    await broker.whenIdle();
    expect(await trail(id)).toHaveLength(1);
  });

  it('reports postgres and message-bus components on /health/components', async () => {
    const res = await fetch(`${audit.url}/health/components`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { components: Array<{ id: string; status: string }> };
    const byId = Object.fromEntries(body.components.map((c) => [c.id, c.status]));
    expect(byId).toMatchObject({ postgres: 'ok', 'message-bus': 'ok' });
  });

  it('rejects a malformed artifact id with 400', async () => {
    const res = await fetch(`${audit.url}/internal/artifacts/${encodeURIComponent('bad id;drop')}/audit`);
    expect(res.status).toBe(400);
  });

  it('verifies the hash chain and pinpoints a tampered entry', async () => {
    const ok = (await (await fetch(`${audit.url}/internal/audit/verify`)).json()) as { ok: boolean; entries: number };
    expect(ok).toMatchObject({ ok: true });
    expect(ok.entries).toBeGreaterThanOrEqual(6);
    const [victim] = await queryRows<{ event_id: string }>(testInfra.databaseUrl, `SELECT event_id FROM "${schema}".audit_entry WHERE artifact_id = $1 AND action = 'UPDATE'`, [`m-${run}`]);
    await queryRows(testInfra.databaseUrl, `UPDATE "${schema}".audit_entry SET user_name = 'mallory' WHERE event_id = $1`, [victim.event_id]);
    const broken = await (await fetch(`${audit.url}/internal/audit/verify`)).json();
    expect(broken).toMatchObject({ ok: false, brokenAt: victim.event_id });
    await queryRows(testInfra.databaseUrl, `UPDATE "${schema}".audit_entry SET user_name = 'bob' WHERE event_id = $1`, [victim.event_id]);
    expect(await (await fetch(`${audit.url}/internal/audit/verify`)).json()).toMatchObject({ ok: true });
  });

  it('appends a RESET entry on RegistryReset, keeps the history, and the chain still verifies', async () => {
    const before = await queryRows<{ n: string }>(testInfra.databaseUrl, `SELECT count(*)::text AS n FROM "${schema}".audit_entry`);
    await publisher.publish(Topic.RegistryReset, { actor, resetAt: new Date().toISOString() }, { key: 'registry' });
    await expectEventually(async () => expect(await trail(`m-${run}`)).toEqual([]));
    const id = `after-${run}`;
    await publisher.publish(Topic.ArtifactCreated, { artifactId: id, artifactType: 'model', name: 'x', url: 'https://huggingface.co/x', version: '1.0.0', actor }, { key: id });
    await broker.whenIdle();
    expect(await trail(id)).toHaveLength(1);
    const rows = await queryRows<{ action: string; user_name: string }>(testInfra.databaseUrl, `SELECT action, user_name FROM "${schema}".audit_entry ORDER BY id DESC LIMIT 2`);
    expect(rows).toEqual([{ action: 'CREATE', user_name: 'alice' }, { action: 'RESET', user_name: 'alice' }]);
    expect(await (await fetch(`${audit.url}/internal/audit/verify`)).json()).toMatchObject({ ok: true, entries: Number(before[0].n) + 2 });
  });
});
