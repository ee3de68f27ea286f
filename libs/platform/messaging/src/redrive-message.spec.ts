import { Headers } from '@modelguard/contracts';
import { describe, expect, it } from 'vitest';
import { decodeHeaders } from './kafka/kafka-messaging.server';
import { toRedriveMessage } from './redrive-message';

describe('toRedriveMessage', () => {
  it('returns the original topic, key and value and strips the DLT bookkeeping headers', () => {
    const m = toRedriveMessage('registry.artifact-created.v1.dlt', {
      key: 'a-1',
      value: '{"eventId":"e"}',
      headers: {
        traceparent: '00-abc-def-01',
        [Headers.EventId]: 'e',
        [Headers.DltError]: 'boom',
        [Headers.DltErrorKind]: 'handler',
        [Headers.DltOriginalTopic]: 'registry.artifact-created.v1',
        [Headers.DltFailedAt]: '2026-01-01T00:00:00Z',
        [Headers.DltConsumerGroup]: 'audit',
        [Headers.Attempt]: '3',
      },
    });
    expect(m).toEqual({ topic: 'registry.artifact-created.v1', key: 'a-1', value: '{"eventId":"e"}', headers: { traceparent: '00-abc-def-01', [Headers.EventId]: 'e' } });
  });

  it('falls back to the DLT name when the original-topic header is missing', () => {
    expect(toRedriveMessage('scan.scan-failed.v1.dlt', { key: null, value: 'v', headers: {} }).topic).toBe('scan.scan-failed.v1');
  });
});

describe('decodeHeaders', () => {
  it('turns Kafka header buffers, strings and arrays into plain strings and drops empty ones', () => {
    expect(decodeHeaders({ a: Buffer.from('x'), b: 'y', c: [Buffer.from('z'), 'w'], d: undefined })).toEqual({ a: 'x', b: 'y', c: 'z' });
    expect(decodeHeaders(undefined)).toEqual({});
  });
});
