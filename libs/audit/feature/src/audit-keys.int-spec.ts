import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topic } from '@modelguard/contracts';
import { EventPublisher, InProcessBroker } from '@modelguard/messaging';
import type { RunningService } from '@modelguard/runtime';
import { createTestSchemaName, dropSchemas, expectEventually, queryRows, testInfra, uniqueSuffix } from '@modelguard/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH } from './audit-chain';
import { bootAudit, sha256LinkOfRow } from '../test/audit-test-support';

/**
 * The chain key at start-up: logs written before the keyed chain are re-linked when their old chain is intact (and
 * reported otherwise); a rotated key keeps verifying the entries it linked while it is listed as retired.
 */
describe('audit chain keys at start-up: re-link and rotation (real Postgres)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'audit-relink-'));
  const db = testInfra.databaseUrl;
  const schemas: string[] = [];
  const actor = { name: 'alice', isAdmin: false };

  afterAll(async () => {
    await dropSchemas(db, schemas);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const boot = (schema: string, run: string, broker = new InProcessBroker()) => bootAudit({ service: `audit-${run}`, schema, dataDir, broker });

  /** Three entries, then the table rewritten to what the old code stored: no key id, plain SHA-256 links. */
  async function legacyLog(schema: string, run: string): Promise<Array<{ id: string }>> {
    const broker = new InProcessBroker();
    const first: RunningService = await boot(schema, run, broker);
    const publisher = first.app.get(EventPublisher, { strict: false });
    for (let i = 0; i < 3; i++) {
      const id = `l-${run}-${i}`;
      await publisher.publish(Topic.ArtifactCreated, { artifactId: id, artifactType: 'code', name: `c${i}`, url: 'https://github.com/a/b', version: '1.0.0', actor }, { key: id });
    }
    await broker.whenIdle();
    await first.close();
    // A graceful stop checkpoints the tail; the code that wrote unkeyed logs kept no checkpoints, so neither do we here.
    const checkpointFile = join(dataDir, 'audit-checkpoints', `${schema}.json`);
    expect(JSON.parse(readFileSync(checkpointFile, 'utf8'))).toMatchObject({ entries: 3 });
    rmSync(checkpointFile);
    const rows = await queryRows<Record<string, unknown>>(db, `SELECT * FROM "${schema}".audit_entry ORDER BY id`);
    expect(rows).toHaveLength(3);
    let prev = GENESIS_HASH;
    for (const r of rows) {
      const hash = sha256LinkOfRow(prev, r);
      await queryRows(db, `UPDATE "${schema}".audit_entry SET key_id = NULL, prev_hash = $1, hash = $2 WHERE id = $3`, [prev, hash, r['id']]);
      prev = hash;
    }
    return rows.map((r) => ({ id: String(r['id']) }));
  }

  it('re-links an intact unkeyed log under the chain key at start, after which it verifies', async () => {
    const schema = createTestSchemaName('audrelink');
    schemas.push(schema);
    const run = uniqueSuffix();
    await legacyLog(schema, run);
    const audit = await boot(schema, run);
    try {
      const keyIds = await queryRows<{ key_id: string | null }>(db, `SELECT DISTINCT key_id FROM "${schema}".audit_entry`);
      expect(keyIds.map((k) => k.key_id)).toEqual([expect.stringMatching(/^[0-9a-f]{16}$/)]);
      expect(await (await fetch(`${audit.url}/internal/audit/verify`)).json()).toMatchObject({ ok: true, entries: 3 });
    } finally {
      await audit.close();
    }
  });

  it('rotates the key: old entries verify with the retired key file, new ones are linked with the new key', async () => {
    const schema = createTestSchemaName('audrotate');
    schemas.push(schema);
    const [oldKey, newKey] = [join(dataDir, 'old.key'), join(dataDir, 'new.key')];
    writeFileSync(oldKey, 'o'.repeat(40));
    writeFileSync(newKey, 'n'.repeat(40));
    // Named `audit` so the AUDIT_* section is read from this env (its own in-process broker: no shared consumer group).
    const start = (env: Record<string, string>) => bootAudit({ service: 'audit', schema, dataDir, broker: new InProcessBroker(), env });
    const append = async (svc: RunningService, id: string) => {
      await svc.app.get(EventPublisher, { strict: false }).publish(Topic.ArtifactDeleted, { artifactId: id, artifactType: 'code', name: id, actor }, { key: id });
      await expectEventually(async () => expect(await queryRows(db, `SELECT 1 FROM "${schema}".audit_entry WHERE artifact_id = $1`, [id])).toHaveLength(1));
    };
    const verify = async (svc: RunningService) => (await fetch(`${svc.url}/internal/audit/verify`)).json();
    let svc = await start({ AUDIT_CHAIN_KEY_FILE: oldKey });
    await append(svc, 'before-rotation');
    await svc.close();
    svc = await start({ AUDIT_CHAIN_KEY_FILE: newKey, AUDIT_CHAIN_RETIRED_KEY_FILES: oldKey });
    try {
      await append(svc, 'after-rotation');
      const keyIds = await queryRows<{ key_id: string }>(db, `SELECT key_id FROM "${schema}".audit_entry ORDER BY id`);
      expect(new Set(keyIds.map((k) => k.key_id)).size).toBe(2);
      expect(await verify(svc)).toMatchObject({ ok: true, entries: 2 });
    } finally {
      await svc.close();
    }
    // Without the retired key the old entry cannot be checked, and verification says so.
    svc = await start({ AUDIT_CHAIN_KEY_FILE: newKey });
    try {
      expect(await verify(svc)).toMatchObject({ ok: false, entryId: expect.any(String), problem: 'unknown key id' });
    } finally {
      await svc.close();
    }
  });

  it('leaves a tampered unkeyed log unkeyed, and verification names its first row', async () => {
    const schema = createTestSchemaName('audrelink');
    schemas.push(schema);
    const run = uniqueSuffix();
    const rows = await legacyLog(schema, run);
    await queryRows(db, `UPDATE "${schema}".audit_entry SET user_name = 'mallory' WHERE id = $1`, [rows[1].id]);
    const audit = await boot(schema, run);
    try {
      expect((await queryRows(db, `SELECT 1 FROM "${schema}".audit_entry WHERE key_id IS NOT NULL`)).length).toBe(0);
      expect(await (await fetch(`${audit.url}/internal/audit/verify`)).json()).toMatchObject({ ok: false, entryId: rows[0].id, problem: 'unkeyed entry' });
    } finally {
      await audit.close();
    }
  });
});
