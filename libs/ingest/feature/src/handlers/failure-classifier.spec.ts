import { describe, expect, it } from 'vitest';
import { PackageError } from '@modelguard/packages';
import { BlobIntegrityError } from '@modelguard/storage';
import { UpstreamError } from '@modelguard/egress';
import { InvalidUpstreamUrlError } from '../sources/upstream-url';
import { classifyFailure } from './failure-classifier';

describe('classifyFailure', () => {
  it.each([
    [new InvalidUpstreamUrlError('bad'), true, /^invalid URL/],
    [new UpstreamError('not-found', 'gone', 404), true, /^not found upstream/],
    [new UpstreamError('forbidden-destination', 'no'), true, /forbidden-destination/],
    [new UpstreamError('too-large', 'big'), true, /too-large/],
    [new UpstreamError('http-status', 'down', 503), false, /http-status/],
    [new UpstreamError('http-status', 'slow down', 429), false, /http-status/],
    [new UpstreamError('http-status', 'denied', 403), true, /http-status/],
    [new UpstreamError('timeout', 'slow'), false, /timeout/],
    [new PackageError('PATH_TRAVERSAL', '../x'), true, /PATH_TRAVERSAL/],
    [new BlobIntegrityError('a'.repeat(64), 'b'.repeat(64)), true, /storage refused/],
    [new Error('connection terminated'), false, /^internal error/],
  ])('%s', (error, permanent, reason) => {
    const result = classifyFailure(error);
    expect(result.permanent).toBe(permanent);
    expect(result.reason).toMatch(reason);
  });

  it('bounds the reason length', () => {
    expect(classifyFailure(new Error('x'.repeat(5000))).reason.length).toBeLessThan(1100);
  });
});
