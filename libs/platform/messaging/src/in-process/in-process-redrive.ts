import { toRedriveMessage } from '../redrive-message';
import type { InProcessBroker } from './in-process-broker';

/**
 * In-process twin of the Kafka redrive: republishes the DLT messages from `fromOffset` on. The broker keeps
 * no redrive group, so the caller passes the offset it reached last time (the result's `nextOffset`).
 */
export async function redriveInProcessDeadLetters(
  broker: InProcessBroker,
  dltTopic: string,
  fromOffset = 0,
): Promise<{ redriven: number; nextOffset: number }> {
  if (!dltTopic.endsWith('.dlt')) throw new Error(`${dltTopic} is not a dead-letter topic (*.dlt)`);
  const pending = broker.messages(dltTopic).slice(fromOffset);
  await broker.send(pending.map((m) => toRedriveMessage(dltTopic, m)));
  return { redriven: pending.length, nextOffset: fromOffset + pending.length };
}
