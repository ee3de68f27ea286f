import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditCheckpointPublishedV1, Topic } from '@modelguard/contracts';
import { EventPublisher, InProcessBroker } from '@modelguard/messaging';
import type { RunningService } from '@modelguard/runtime';
import { createTestSchemaName, dropSchemas, queryRows, testInfra, uniqueSuffix } from '@modelguard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bootAudit, sha256LinkOfRow } from '../test/audit-test-support';

/**
 * Tampering with the audit table in PostgreSQL directly, as someone with database access but without the chain key
 * (which lives in the data directory, not the database) would.
 */
describe('audit log tamper evidence (real Postgres, in-process broker)', () => {
  const broker = new InProcessBroker();
  const schema = createTestSchemaName('audtamper');
  const run = uniqueSuffix();
  const dataDir = mkdtempSync(join(tmpdir(), 'audit-tamper-'));
  const checkpointFile = join(dataDir, 'audit-checkpoints', `${schema}.json`);
  const table = `"${schema}".audit_entry`;
  const db = testInfra.databaseUrl;
  const actor = { name: 'alice', isAdmin: true };
  let audit: RunningService;
  let publisher: EventPublisher;

  const boot = () => bootAudit({ service: `audit-${run}`, schema, dataDir, broker });

  const verify = async () => (await fetch(`${audit.url}/internal/audit/verify`)).json() as Promise<Record<string, unknown>>;
  const checkpoint = async () => {
    const res = await fetch(`${audit.url}/internal/audit/checkpoint`, { method: 'POST' });
    expect(res.status).toBe(201);
    await broker.whenIdle();
    return (await res.json()) as AuditCheckpointPublishedV1;
  };
  const create = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const id = `t-${run}-${uniqueSuffix()}`;
      await publisher.publish(Topic.ArtifactCreated, { artifactId: id, artifactType: 'model', name: `m${i}`, url: 'https://huggingface.co/m', version: '1.0.0', actor }, { key: id });
    }
    await broker.whenIdle();
  };
  type Row = { id: string; event_id: string; hash: string };
  const rows = () => queryRows<Row>(db, `SELECT id::text, event_id, hash FROM ${table} ORDER BY id`);

  beforeAll(async () => {
    audit = await boot();
    publisher = audit.app.get(EventPublisher, { strict: false });
    await create(6);
    await queryRows(db, `CREATE TABLE "${schema}".backup AS SELECT * FROM ${table}`);
  });

  // Each case tampers with its own copy: the table is put back as it was after the six creates.
  afterEach(async () => {
    await queryRows(db, `DELETE FROM ${table}; INSERT INTO ${table} SELECT * FROM "${schema}".backup`);
  });

  afterAll(async () => {
    await audit?.close();
    await dropSchemas(db, [schema]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('links every entry with the chain key (key id stored, key not) and publishes a signed checkpoint to Kafka and a file', async () => {
    const keyIds = await queryRows<{ key_id: string | null }>(db, `SELECT DISTINCT key_id FROM ${table}`);
    expect(keyIds).toHaveLength(1);
    expect(keyIds[0].key_id).toMatch(/^[0-9a-f]{16}$/);
    const key = readFileSync(join(dataDir, 'audit-chain.key'), 'utf8').trim();
    const dump = JSON.stringify(await queryRows(db, `SELECT * FROM ${table}`));
    expect(dump).not.toContain(key);
    const cp = await checkpoint();
    expect(cp).toMatchObject({ entries: 6, head: (await rows())[5].hash });
    expect(broker.messages(Topic.AuditCheckpointPublished).some((m) => m.value.includes(cp.signature))).toBe(true);
    expect(JSON.parse(readFileSync(checkpointFile, 'utf8'))).toEqual(cp);
    expect(await verify()).toMatchObject({ ok: true, entries: 6, checkpoint: { entries: 6 } });
  });

  it('detects a rewritten row whose later links were recomputed with SHA-256 (no key), at that row', async () => {
    const all = await queryRows<Record<string, unknown>>(db, `SELECT * FROM ${table} ORDER BY id`);
    let prev = all[1]['hash'] as string;
    for (let i = 2; i < all.length; i++) {
      const r = all[i];
      const userName = i === 2 ? 'mallory' : (r['user_name'] as string);
      const hash = sha256LinkOfRow(prev, r, { userName });
      await queryRows(db, `UPDATE ${table} SET user_name = $1, prev_hash = $2, hash = $3 WHERE id = $4`, [userName, prev, hash, r['id']]);
      prev = hash;
    }
    expect(await verify()).toMatchObject({ ok: false, entryId: String(all[2]['id']), brokenAt: all[2]['event_id'], problem: 'link does not match the entry' });
    // Marking the forged rows as unkeyed does not help either.
    await queryRows(db, `UPDATE ${table} SET key_id = NULL WHERE id >= $1`, [all[2]['id']]);
    expect(await verify()).toMatchObject({ ok: false, entryId: String(all[2]['id']), problem: 'unkeyed entry' });
  });

  it('detects a deleted middle row at its successor', async () => {
    const before = await rows();
    await queryRows(db, `DELETE FROM ${table} WHERE id = $1`, [before[3].id]);
    expect(await verify()).toMatchObject({ ok: false, entryId: before[4].id, problem: expect.stringContaining('previous link mismatch') });
  });

  it('detects deleted newest rows through the checkpoint (the chain alone still looks whole)', async () => {
    await checkpoint();
    const before = await rows();
    await queryRows(db, `DELETE FROM ${table} WHERE id >= $1`, [before[4].id]);
    expect(await verify()).toMatchObject({ ok: false, entries: 4, problem: expect.stringMatching(/^truncated: the log has 4 entries, the checkpoint of .* covers 6$/) });
  });

  it('detects a replaced tail (newest rows deleted, new entries appended past the checkpoint count)', async () => {
    await checkpoint();
    const before = await rows();
    await queryRows(db, `DELETE FROM ${table} WHERE id >= $1`, [before[4].id]);
    await create(3);
    const after = await rows();
    expect(after).toHaveLength(7);
    expect(await verify()).toMatchObject({ ok: false, entryId: after[5].id, problem: expect.stringContaining('rewritten') });
    // The replaced tail is never signed into a newer checkpoint, so the evidence stays.
    const refused = await fetch(`${audit.url}/internal/audit/checkpoint`, { method: 'POST' });
    expect([refused.status, ((await refused.json()) as { message: string }).message]).toEqual([409, expect.stringContaining('does not extend the checkpoint')]);
    expect(await verify()).toMatchObject({ ok: false, problem: expect.stringContaining('rewritten') });
  });

  it('keeps the newest checkpoint in memory when its file is deleted, and reports a forged file', async () => {
    const cp = await checkpoint();
    rmSync(checkpointFile);
    const before = await rows();
    await queryRows(db, `DELETE FROM ${table} WHERE id = $1`, [before[5].id]);
    expect(await verify()).toMatchObject({ ok: false, problem: expect.stringContaining('truncated') });
    // No checkpoint is signed over the cut log (it would launder the cut).
    expect((await fetch(`${audit.url}/internal/audit/checkpoint`, { method: 'POST' })).status).toBe(409);
    expect(await verify()).toMatchObject({ ok: false, checkpoint: { entries: 6 } });
    writeFileSync(checkpointFile, JSON.stringify({ ...cp, entries: 1 }));
    expect(await verify()).toMatchObject({ ok: false, problem: expect.stringContaining('signature does not verify') });
    rmSync(checkpointFile);
  });

  it('drops a checkpoint event with a bad signature and keeps a genuine newer one from another replica', async () => {
    const genuine = await checkpoint();
    await publisher.publish(Topic.AuditCheckpointPublished, { ...genuine, entries: 99, signature: 'f'.repeat(64) }, { key: 'audit-chain' });
    await broker.whenIdle();
    expect(await verify()).toMatchObject({ ok: true, checkpoint: { entries: genuine.entries } });
  });

  it('appends a RESET entry on a registry reset, keeps the history and still verifies', async () => {
    await publisher.publish(Topic.RegistryReset, { actor, resetAt: new Date().toISOString() }, { key: 'registry' });
    await broker.whenIdle();
    const all = await queryRows<{ action: string }>(db, `SELECT action FROM ${table} ORDER BY id`);
    expect(all.map((r) => r.action)).toEqual(['CREATE', 'CREATE', 'CREATE', 'CREATE', 'CREATE', 'CREATE', 'RESET']);
    await checkpoint();
    expect(await verify()).toMatchObject({ ok: true, entries: 7, checkpoint: { entries: 7 } });
  });
});
