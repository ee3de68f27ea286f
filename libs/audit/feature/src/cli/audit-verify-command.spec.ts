import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { chainLink, type ChainedFields, GENESIS_HASH } from '../audit-chain';
import { signCheckpoint } from '../audit-checkpoint';
import { logEntryOf } from '../audit-log-entry';
import { chainKeyOf } from '../chain-key';
import type { AuditEntryEntity } from '../entities/audit-entry.entity';
import { runAuditCli, runAuditVerify } from './audit-verify-command';

const dir = mkdtempSync(join(tmpdir(), 'audit-verify-cli-'));
const material = 'k'.repeat(40);
const key = chainKeyOf(material);
const keyFile = join(dir, 'audit-chain.key');
writeFileSync(keyFile, `${material}\n`);

/** A keyed chain of `n` entries as the service links them (the refusal and override forms included). */
function chain(n: number) {
  let prev = GENESIS_HASH;
  return Array.from({ length: n }, (_, i) => {
    const fields: ChainedFields = {
      eventId: randomUUID(),
      artifactId: i === 1 ? null : `a-${i}`,
      artifactType: i === 1 ? null : 'model',
      artifactName: i === 1 ? null : `m${i}`,
      action: i === 1 ? 'REFUSE' : 'CREATE',
      userName: 'alice',
      userIsAdmin: false,
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      ...(i === 1 ? { status: 403, reason: 'forbidden', httpMethod: 'GET', route: '/audit/entries', clientAddress: '10.0.0.1', message: 'no', suppressed: 0 } : {}),
      ...(i === 2 ? { overrideReason: 'checked by hand', overriddenVerdict: 'flagged' } : {}),
    };
    const hash = chainLink(key, prev, fields);
    const entity = { status: null, reason: null, httpMethod: null, route: null, clientAddress: null, message: null, suppressed: null, overrideReason: null, overriddenVerdict: null, ...fields, id: String(i + 1), keyId: key.keyId, prevHash: prev, hash } as AuditEntryEntity;
    prev = hash;
    return logEntryOf(entity);
  });
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runAuditVerify(argv, { stdout, stderr });
  return { code, out, err };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('modelguard audit verify (offline)', () => {
  const entries = chain(5);
  const exportFile = join(dir, 'export.json');
  writeFileSync(exportFile, JSON.stringify({ entries, next: null }));
  const checkpointFile = join(dir, 'checkpoint.json');
  writeFileSync(checkpointFile, JSON.stringify(signCheckpoint(key, { entries: 5, lastEntryId: '5', head: entries[4].hash, takenAt: '2026-01-01T00:01:00.000Z' })));

  it('exits 0 on an intact export, refusal and override entries included, with and without a checkpoint', async () => {
    expect(await cli(['--entries', exportFile, '--key-file', keyFile])).toMatchObject({ code: 0, out: 'OK audit chain intact: 5 entries verified, no checkpoint\n' });
    const json = await cli(['--entries', exportFile, '--key-file', keyFile, '--checkpoint', checkpointFile, '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual({ ok: true, entries: 5, checkpoint: { entries: 5, lastEntryId: '5', takenAt: '2026-01-01T00:01:00.000Z' } });
  });

  it('exits 1 naming the first broken entry: an edited field, a removed entry, a cut tail, the wrong key', async () => {
    const edited = entries.map((e, i) => (i === 2 ? { ...e, override: { reason: 'no reason', overridden: 'flagged' } } : e));
    writeFileSync(join(dir, 'edited.json'), JSON.stringify(edited));
    const r1 = await cli(['--entries', join(dir, 'edited.json'), '--key-file', keyFile]);
    expect(r1).toMatchObject({ code: 1 });
    expect(r1.out).toBe(`BROKEN audit chain at entry 3 (event ${entries[2].eventId}): link does not match the entry (3 entries walked, no checkpoint)\n`);

    writeFileSync(join(dir, 'gap.json'), JSON.stringify(entries.filter((_, i) => i !== 1)));
    expect((await cli(['--entries', join(dir, 'gap.json'), '--key-file', keyFile])).out).toMatch(/at entry 3 .*previous link mismatch/);

    writeFileSync(join(dir, 'cut.json'), JSON.stringify(entries.slice(0, 4)));
    const cut = await cli(['--entries', join(dir, 'cut.json'), '--key-file', keyFile, '--checkpoint', checkpointFile]);
    expect(cut.code).toBe(1);
    expect(cut.out).toMatch(/truncated: the export has 4 entries, the checkpoint .* covers 5/);

    const otherKey = join(dir, 'other.key');
    writeFileSync(otherKey, 'o'.repeat(40));
    expect((await cli(['--entries', exportFile, '--key-file', otherKey])).code).toBe(1);
    const forged = join(dir, 'forged-checkpoint.json');
    writeFileSync(forged, JSON.stringify(signCheckpoint(chainKeyOf('o'.repeat(40)), { entries: 5, lastEntryId: '5', head: entries[4].hash, takenAt: '2026-01-01T00:01:00.000Z' })));
    expect((await cli(['--entries', exportFile, '--key-file', keyFile, '--checkpoint', forged])).out).toMatch(/not signed by any of the given keys/);
  });

  it('exits 2 on usage errors and unreadable inputs, never a verdict', async () => {
    for (const argv of [
      [],
      ['--entries', exportFile],
      ['--entries', exportFile, '--key-file', keyFile, '--url', 'http://x'],
      ['--url', 'http://x'],
      ['--url', 'ftp://x', '--token', 't'],
      ['--entries', exportFile, '--key-file', keyFile, '--format', 'yaml'],
      ['--entries', exportFile, '--key-file', keyFile, '--bogus'],
      ['--entries', join(dir, 'missing.json'), '--key-file', keyFile],
      ['--entries', checkpointFile, '--key-file', keyFile],
      ['--entries', exportFile, '--key-file', join(dir, 'missing.key')],
    ]) {
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(/^modelguard audit verify: .*\n\nUsage: modelguard audit verify/);
    }
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    expect(await runAuditCli(['inspect'], { stdout, stderr })).toBe(2);
  });
});
