import { describe, expect, it } from 'vitest';
import { canonicalEntry, type ChainedFields, chainLink, ChainVerifier, GENESIS_HASH, legacyChainHash } from './audit-chain';
import { chainKeyOf } from './chain-key';

const KEY = chainKeyOf('k'.repeat(32));
const OTHER = chainKeyOf('o'.repeat(32));
const keys = new Map([[KEY.keyId, KEY]]);
const chainHash = (prev: string, e: ChainedFields) => chainLink(KEY, prev, e);

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
    const row = { ...e, id: String(i + 1), keyId: KEY.keyId as string | null, prevHash: prev, hash };
    prev = hash;
    return row;
  });
}

describe('audit hash chain', () => {
  it('verifies an untouched chain', () => {
    const v = new ChainVerifier(keys);
    for (const row of chain(5)) v.accept(row);
    expect(v.result()).toEqual({ ok: true, entries: 5 });
  });

  it('detects an edited field at the edited entry', () => {
    const rows = chain(5);
    rows[2] = { ...rows[2], userName: 'mallory' };
    const v = new ChainVerifier(keys);
    for (const row of rows) v.accept(row);
    expect(v.result()).toEqual({ ok: false, entries: 3, brokenAt: rows[2].eventId, entryId: '3', problem: 'link does not match the entry' });
  });

  it('detects a deleted entry at its successor', () => {
    const rows = chain(5);
    rows.splice(1, 1);
    const v = new ChainVerifier(keys);
    for (const row of rows) v.accept(row);
    expect(v.result()).toMatchObject({ ok: false, brokenAt: rows[1].eventId, problem: expect.stringContaining('previous link mismatch') });
  });

  it('detects a rewrite whose later links were recomputed with plain SHA-256 (an attacker without the key)', () => {
    const rows = chain(5);
    let prev = rows[1].hash;
    for (let i = 2; i < rows.length; i++) {
      const edited = i === 2 ? { ...rows[i], userName: 'mallory' } : rows[i];
      const hash = legacyChainHash(prev, edited);
      rows[i] = { ...edited, prevHash: prev, hash };
      prev = hash;
    }
    const v = new ChainVerifier(keys);
    for (const row of rows) v.accept(row);
    expect(v.result()).toMatchObject({ ok: false, entries: 3, entryId: '3', problem: 'link does not match the entry' });
  });

  it('refuses unkeyed entries and entries linked with a key it does not know', () => {
    const unkeyed = chain(3);
    unkeyed[1] = { ...unkeyed[1], keyId: null };
    const v1 = new ChainVerifier(keys);
    for (const row of unkeyed) v1.accept(row);
    expect(v1.result()).toMatchObject({ ok: false, entryId: '2', problem: 'unkeyed entry' });
    const foreign = chain(3);
    foreign[2] = { ...foreign[2], keyId: OTHER.keyId, hash: chainLink(OTHER, foreign[2].prevHash, foreign[2]) };
    const v2 = new ChainVerifier(keys);
    for (const row of foreign) v2.accept(row);
    expect(v2.result()).toMatchObject({ ok: false, entryId: '3', problem: 'unknown key id' });
  });

  it('verifies entries linked under a rotated-out key when the verifier holds it', () => {
    const rows = chain(2);
    const third = { ...entry(2), id: '3', keyId: OTHER.keyId as string | null, prevHash: rows[1].hash, hash: chainLink(OTHER, rows[1].hash, entry(2)) };
    const v = new ChainVerifier(new Map([[KEY.keyId, KEY], [OTHER.keyId, OTHER]]));
    for (const row of [...rows, third]) v.accept(row);
    expect(v.result()).toEqual({ ok: true, entries: 3 });
  });

  it("covers an override's reason and overridden verdict, and leaves other entries' canonical form alone", () => {
    const e = entry(4);
    const plain = canonicalEntry(e);
    expect(canonicalEntry({ ...e, overrideReason: null, overriddenVerdict: null })).toBe(plain);
    const overridden = { ...e, action: 'UPDATE' as const, overrideReason: 'reviewed', overriddenVerdict: 'blocked' };
    const link = chainHash(GENESIS_HASH, overridden);
    expect(chainHash(GENESIS_HASH, { ...overridden, overrideReason: 'routine' })).not.toBe(link);
    expect(chainHash(GENESIS_HASH, { ...overridden, overriddenVerdict: 'flagged' })).not.toBe(link);
  });

  it('derives a stable key id and rejects short keys', () => {
    expect(chainKeyOf('k'.repeat(32)).keyId).toBe(KEY.keyId);
    expect(KEY.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(OTHER.keyId).not.toBe(KEY.keyId);
    expect(() => chainKeyOf('short')).toThrow(/at least 32/);
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
