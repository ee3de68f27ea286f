import { describe, expect, it } from 'vitest';
import { ClientError } from '../domain/client-error';
import { finished } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { isClientHangUp, mapException } from './gateway-exception.filter';

describe('mapException', () => {
  it('keeps client errors with their status, message and headers', () => {
    const mapped = mapException(new ClientError(409, 'still scanning', { 'Retry-After': '5' }));
    expect(mapped).toEqual({ status: 409, message: 'still scanning', headers: { 'Retry-After': '5' }, details: {} });
  });

  it('keeps the structured details a client error adds to its body (the 424 gate names its failing metrics)', () => {
    const failing = [{ metric: 'license', value: 0, threshold: 0.5 }];
    expect(mapException(new ClientError(424, 'not registered', {}, { failing_metrics: failing })).details).toEqual({ failing_metrics: failing });
  });

  it('turns an exhausted database pool into 503 with Retry-After instead of a 500', () => {
    const mapped = mapException(new Error('timeout exceeded when trying to connect'));
    expect(mapped.status).toBe(503);
    expect(mapped.headers['Retry-After']).toBe('1');
  });

  it('turns a dropped or refused data-store connection into 503 with Retry-After (pg, Redis, S3 shapes)', () => {
    const terminated = Object.assign(new Error('query failed'), { driverError: Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }) });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:16399'), { code: 'ECONNREFUSED' });
    const redis = Object.assign(new Error('Reached the max retries per request limit (which is 2).'), { name: 'MaxRetriesPerRequestError' });
    const s3 = new Error('upload failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    for (const error of [terminated, refused, redis, s3, new Error('Connection terminated unexpectedly')]) {
      expect(mapException(error)).toEqual({ status: 503, message: 'the registry is busy; retry shortly', headers: { 'Retry-After': '1' } });
    }
    // A query the database refuses for its content stays a bug (500), not an outage.
    expect(mapException(Object.assign(new Error('syntax error'), { code: '42601' })).status).toBe(500);
  });

  it('explains oversized and malformed JSON bodies rejected by the body parser', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413, limit: 1024, length: 4096 });
    expect(mapException(tooLarge)).toMatchObject({ status: 413, message: 'request body of 4096 bytes exceeds the limit of 1024 bytes' });
    const malformed = Object.assign(new SyntaxError('Unexpected token'), { type: 'entity.parse.failed', status: 400 });
    expect(mapException(malformed)).toMatchObject({ status: 400, message: 'request body is not valid JSON' });
  });

  it('hides unexpected errors behind a bare 500', () => {
    expect(mapException(new TypeError('x is undefined'))).toEqual({ status: 500, message: 'internal server error', headers: {} });
  });
});

describe('isClientHangUp', () => {
  it("recognises the premature close a stream reports when its client goes away, and nothing else", async () => {
    const out = new PassThrough();
    const ended = finished(out).catch((e: unknown) => e);
    out.destroy(); // closed before it finished, as a response whose client hung up
    expect(isClientHangUp(await ended)).toBe(true);
    expect(isClientHangUp(new Error('blob for "w.bin" does not match its manifest digest'))).toBe(false);
    expect(isClientHangUp(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(false);
    expect(isClientHangUp('ERR_STREAM_PREMATURE_CLOSE')).toBe(false);
  });
});
