import { describe, expect, it } from 'vitest';
import { ClientError } from '../domain/client-error';
import { mapException } from './gateway-exception.filter';

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
