import { describe, expect, it } from 'vitest';
import { canonicalEntry, type ChainedFields, chainHash, ChainVerifier, GENESIS_HASH } from './audit-chain';

function entry(n: number): ChainedFields {
  return {
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    artifactId: `a${n}`,
    artifactType: 'model',
    artifactName: `m${n}`,
    action: 'CREATE',
    userName: 'alice',
    userIsAdmin: n % 2 === 0,
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
  };
}

function chain(count: number) {
  let prev = GENESIS_HASH;
  return Array.from({ length: count }, (_, i) => {
    const e = entry(i);
    const hash = chainHash(prev, e);
    const row = { ...e, prevHash: prev, hash };
    prev = hash;
    return row;
  });
}

describe('audit hash chain', () => {
  it('verifies an untouched chain', () => {
    const v = new ChainVerifier();
    for (const row of chain(5)) v.accept(row);
    expect(v.result()).toEqual({ ok: true, entries: 5 });
  });

  it('detects an edited field at the edited entry', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2], userName: 'mallory' };
    const v = new ChainVerifier();
    for (const row of rows) v.accept(row);
    expect(v.result()).toEqual({ ok: false, entries: 3, brokenAt: rows[2].eventId });
  });

  it('detects a deleted entry at its successor', () => {
    const rows = chain(5);
    rows.splice(1, 1);
    const v = new ChainVerifier();
    for (const row of rows) v.accept(row);
    expect(v.result()).toMatchObject({ ok: false, brokenAt: rows[1].eventId });
  });

  it('changes the hash when only the admin flag or timestamp changes', () => {
    const e = entry(1);
    expect(chainHash(GENESIS_HASH, e)).not.toBe(chainHash(GENESIS_HASH, { ...e, userIsAdmin: !e.userIsAdmin }));
    expect(chainHash(GENESIS_HASH, e)).not.toBe(chainHash(GENESIS_HASH, { ...e, occurredAt: new Date(e.occurredAt.getTime() + 1) }));
  });

  it('keeps the canonical form of entries written before refusals existed (their stored hashes still verify)', () => {
    const e = entry(3);
    const before = JSON.stringify([e.eventId, e.artifactId, e.artifactType, e.artifactName, e.action, e.userName, e.userIsAdmin, e.occurredAt.toISOString()]);
    expect(canonicalEntry(e)).toBe(before);
    // Rows read back from the migrated table carry null refusal columns.
    expect(canonicalEntry({ ...e, status: null, reason: null, httpMethod: null, route: null, clientAddress: null, message: null, suppressed: null })).toBe(before);
  });

  it('covers every fact of a refusal (anonymous, no artifact): changing any one breaks the hash', () => {
    const refusal: ChainedFields = {
      eventId: '00000000-0000-4000-8000-000000000099',
      artifactId: null,
      artifactType: null,
      artifactName: null,
      action: 'REFUSE',
      userName: null,
      userIsAdmin: null,
      occurredAt: new Date(Date.UTC(2026, 0, 2)),
      status: 403,
      reason: 'invalid-token',
      httpMethod: 'GET',
      route: '/artifacts/:artifact_type/:id',
      clientAddress: '10.0.0.7',
      message: 'invalid authentication token',
      suppressed: 0,
    };
    const hash = chainHash(GENESIS_HASH, refusal);
    const edits: Partial<ChainedFields>[] = [{ status: 401 }, { reason: 'forbidden' }, { httpMethod: 'PUT' }, { route: '/x' }, { clientAddress: '10.0.0.8' }, { message: 'ok' }, { suppressed: 1 }, { userName: 'alice' }];
    for (const edit of edits) expect(chainHash(GENESIS_HASH, { ...refusal, ...edit }), JSON.stringify(edit)).not.toBe(hash);
  });
});
