import { describe, expect, it } from 'vitest';
import type { Claims } from '../api/session';
import type { ReleaseAlias, ReleaseAliasMove } from '../api/types';
import { ALIAS_PATTERN, mayApprove, mayRelease, rollbackTarget } from './release-actions';

const claims = (over: Partial<Claims>): Claims => ({ name: 'ann', isAdmin: false, permissions: [], tokenId: 't', expiresAt: new Date(0), ...over });
const move = (over: Partial<ReleaseAliasMove>): ReleaseAliasMove => ({ kind: 'promotion', from_version: null, to_version: '1.0.0', actor: 'ann', request_id: null, approvers: [], rolled_back: false, at: '', ...over });
const alias = (version: string | null, history: ReleaseAliasMove[]): ReleaseAlias => ({ alias: 'staging', version, revision: history.length, updated_at: '', updated_by: null, history });

describe('release actions offered by the artifact page', () => {
  it('offers requests and rollbacks to admins and uploaders only, approval never to the requester', () => {
    expect(mayRelease(undefined)).toBe(false);
    expect(mayRelease(claims({ permissions: ['search', 'download'] }))).toBe(false);
    expect(mayRelease(claims({ permissions: ['upload'] }))).toBe(true);
    expect(mayRelease(claims({ isAdmin: true }))).toBe(true);
    const request = { id: 'r', alias: 'staging', version: '1.0.0', requested_by: 'ann', state: 'pending', approvals: [], approvals_required: 1, note: null, expires_at: '' };
    expect(mayApprove(claims({ isAdmin: true }), request)).toBe(false);
    expect(mayApprove(claims({ name: 'bob', permissions: ['upload'] }), request)).toBe(true);
    expect(mayApprove(claims({ name: 'bob', permissions: ['search'] }), request)).toBe(false);
  });

  it('rolls back to the version before the current promotion, walking back past undone moves', () => {
    expect(rollbackTarget(alias(null, []))).toBeUndefined();
    expect(rollbackTarget(alias('1.0.0', [move({})]))).toBeUndefined(); // the first promotion has nothing before it
    expect(rollbackTarget(alias('2.0.0', [move({ from_version: '1.0.0', to_version: '2.0.0' }), move({})]))).toBe('1.0.0');
    // 1 -> 2 -> 3, rolled back to 2: the next rollback undoes 1 -> 2.
    const walked = alias('2.0.0', [
      move({ kind: 'rollback', from_version: '3.0.0', to_version: '2.0.0' }),
      move({ from_version: '2.0.0', to_version: '3.0.0', rolled_back: true }),
      move({ from_version: '1.0.0', to_version: '2.0.0' }),
      move({}),
    ]);
    expect(rollbackTarget(walked)).toBe('1.0.0');
  });

  it('accepts the alias names the gateway accepts', () => {
    expect(['staging', 'prod-eu-1', 'a'].every((a) => ALIAS_PATTERN.test(a))).toBe(true);
    expect(['Staging', '1st', 'has space', '', `a${'b'.repeat(63)}`].some((a) => ALIAS_PATTERN.test(a))).toBe(false);
  });
});
