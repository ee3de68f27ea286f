import { describe, expect, it } from 'vitest';
import type { AuditLogEntryV1 } from '@modelguard/contracts';
import { ClientError } from '../domain/client-error';
import { matchesFilter, parseAuditStreamRequest } from './audit-stream-filter';

const refusal = (query: Record<string, unknown>, header?: string | string[]) => {
  try {
    parseAuditStreamRequest(query, header);
  } catch (error) {
    return error instanceof ClientError ? `${error.status} ${error.message}` : `unexpected ${String(error)}`;
  }
  return 'accepted';
};

describe('GET /audit/stream request', () => {
  it('takes the three filters and a resume point; Last-Event-ID wins over ?lastEventId=', () => {
    expect(parseAuditStreamRequest({ artifact: 'abc-1', actor: 'alice', action: 'REFUSE', lastEventId: '7' }, '42')).toEqual({
      filter: { artifact: 'abc-1', actor: 'alice', action: 'REFUSE' },
      resumeAfter: 42n,
    });
    expect(parseAuditStreamRequest({ lastEventId: '7' }, undefined).resumeAfter).toBe(7n);
    expect(parseAuditStreamRequest({ action: '' }, '')).toEqual({ filter: {}, resumeAfter: null });
  });

  it('refuses bad values, repeated and unknown parameters with 400 (never a stream of everything)', () => {
    expect(refusal({ action: 'EXPLODE' })).toMatch(/^400 action must be one of CREATE/);
    expect(refusal({ artifact: '../etc' })).toMatch(/^400 artifact must match/);
    expect(refusal({ actor: 'x'.repeat(257) })).toMatch(/^400 actor/);
    expect(refusal({ action: ['CREATE', 'UPDATE'] })).toBe('400 action must be given once');
    expect(refusal({ actors: 'alice' })).toMatch(/^400 unknown parameter actors/);
    expect(refusal({}, '-1')).toMatch(/^400 Last-Event-ID/);
    expect(refusal({}, '1'.repeat(20))).toMatch(/^400 Last-Event-ID/);
    expect(refusal({ lastEventId: '1e3' })).toMatch(/^400 Last-Event-ID/);
  });

  it('filters live entries as the audit query does (exact actor name, artifact id, action)', () => {
    const entry = { action: 'CREATE', actor: { name: 'alice', isAdmin: false }, artifact: { id: 'a-1', type: 'model', name: 'm' } } as AuditLogEntryV1;
    expect(matchesFilter({}, entry)).toBe(true);
    expect(matchesFilter({ actor: 'alice', artifact: 'a-1', action: 'CREATE' }, entry)).toBe(true);
    expect(matchesFilter({ actor: 'Alice' }, entry)).toBe(false);
    expect(matchesFilter({ artifact: 'a-2' }, entry)).toBe(false);
    expect(matchesFilter({ action: 'UPDATE' }, entry)).toBe(false);
    expect(matchesFilter({ actor: 'alice' }, { ...entry, actor: null })).toBe(false);
  });
});
