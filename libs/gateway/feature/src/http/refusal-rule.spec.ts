import { PackageError } from '@modelguard/packages';
import { describe, expect, it } from 'vitest';
import { ClientError } from '../domain/client-error';
import { refusalReasonOf, routeFactsOf, scrubMessage } from './refusal-rule';

describe('refusal rule', () => {
  it('audits 401/403/413/423/424/429 always, classified by status when no reason is named', () => {
    expect(refusalReasonOf(new ClientError(403, 'x'), 403)).toBe('forbidden');
    expect(refusalReasonOf(new ClientError(401, 'x'), 401)).toBe('forbidden');
    expect(refusalReasonOf(Object.assign(new Error('too large'), { type: 'entity.too.large', status: 413 }), 413)).toBe('too-large');
    expect(refusalReasonOf(new ClientError(429, 'x'), 429)).toBe('rate-limited');
    expect(refusalReasonOf(new ClientError(424, 'x'), 424)).toBe('refused');
  });

  it('keeps the reason the thrower names', () => {
    expect(refusalReasonOf(new ClientError(403, 'x', {}, {}, 'monitor-program'), 403)).toBe('monitor-program');
    expect(refusalReasonOf(new ClientError(403, 'x', {}, {}, 'forbidden-ownership'), 403)).toBe('forbidden-ownership');
  });

  it('audits 400 and 409 only when a reason is named (hostile input, a download gate), not ordinary mistakes', () => {
    expect(refusalReasonOf(new ClientError(400, 'body must be an object'), 400)).toBeNull();
    expect(refusalReasonOf(new ClientError(409, 'already exists'), 409)).toBeNull();
    expect(refusalReasonOf(new ClientError(400, 'metadata host', {}, {}, 'ssrf'), 400)).toBe('ssrf');
    expect(refusalReasonOf(new ClientError(409, 'scanning', {}, {}, 'gate-pending'), 409)).toBe('gate-pending');
    expect(refusalReasonOf(new PackageError('CORRUPT_ZIP', 'entry escapes the package'), 400)).toBe('hostile-input');
  });

  it('never audits 404, successes or server faults', () => {
    expect(refusalReasonOf(new ClientError(404, 'x', {}, {}, 'forbidden'), 404)).toBeNull();
    expect(refusalReasonOf(new Error('boom'), 500)).toBeNull();
    expect(refusalReasonOf(new ClientError(502, 'x'), 502)).toBeNull();
  });

  it('takes the route template and the artifact it names, never the raw URL', () => {
    expect(routeFactsOf({ baseUrl: '', route: { path: '/artifacts/:artifact_type/:id' }, params: { artifact_type: 'dataset', id: 'abc-1' }, path: '/artifacts/dataset/abc-1' })).toEqual({
      route: '/artifacts/:artifact_type/:id',
      artifact: { id: 'abc-1', type: 'dataset' },
    });
    expect(routeFactsOf({ route: { path: '/artifact/model/:id/rate' }, params: { id: 'm1' } }).artifact).toEqual({ id: 'm1', type: 'model' });
    expect(routeFactsOf({ route: { path: '/artifacts/:artifact_type/:id' }, params: { artifact_type: 'x', id: '../etc' } }).artifact).toBeNull();
  });

  it('coarsens the path when no route matched (a middleware refused first), bounded whatever the client sent', () => {
    expect(routeFactsOf({ path: '/artifacts/model/abc/secret-token-in-path' }).route).toBe('/artifacts/*');
    expect(routeFactsOf({ path: '/tracks' }).route).toBe('/tracks');
    expect(routeFactsOf({ path: `/${'%00'.repeat(5000)}/x` }).route).toBe('/*/*');
    expect(routeFactsOf({ path: `/${'a'.repeat(5000)}` }).route).toBe('/*/*');
  });

  it('scrubs credential-shaped text from messages and bounds them', () => {
    expect(scrubMessage('url https://user:hunter2@example.com/x is refused')).toBe('url https://***@example.com/x is refused');
    expect(scrubMessage('token bearer abc.def.ghi rejected')).toBe('token bearer *** rejected');
    expect(scrubMessage('got eyJhbGciOi.eyJzdWIiOi.sig')).toBe('got ***');
    const long = scrubMessage('x'.repeat(10_000));
    expect(long).toHaveLength(300);
    expect(long.endsWith('…')).toBe(true);
  });

  it('scrubs a 64 KB message in bounded time and masks user info cut off by the bound', () => {
    const started = performance.now();
    scrubMessage('ab'.repeat(32_768));
    expect(performance.now() - started).toBeLessThan(50);
    expect(scrubMessage(`${'y'.repeat(285)} https://user:hunter2@example.com`)).not.toContain('hunter');
  });
});
