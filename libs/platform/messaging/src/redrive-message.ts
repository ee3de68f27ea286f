import { Headers } from '@modelguard/contracts';
import type { WireMessage } from './wire-message';

const DLT_HEADERS: readonly string[] = [Headers.DltError, Headers.DltErrorKind, Headers.DltOriginalTopic, Headers.DltFailedAt, Headers.DltConsumerGroup, Headers.Attempt];

/** The message to put back on the original topic: same value (same eventId), DLT bookkeeping removed. */
export function toRedriveMessage(dltTopic: string, m: { key: string | null; value: string; headers: Record<string, string> }): WireMessage {
  const original = m.headers[Headers.DltOriginalTopic] ?? dltTopic.replace(/\.dlt$/, '');
  const headers = Object.fromEntries(Object.entries(m.headers).filter(([name]) => !DLT_HEADERS.includes(name)));
  return { topic: original, key: m.key ?? 'unknown', value: m.value, headers };
}
