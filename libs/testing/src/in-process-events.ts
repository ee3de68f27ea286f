import type { Envelope, PayloadOf, TopicName } from '@modelguard/contracts';
import { createEnvelope, type InProcessBroker } from '@modelguard/messaging';

/**
 * Publishes an event on the in-process broker as its producer would (`producer` names it in the envelope), so a
 * service under test consumes it through its real inbox; the returned envelope can be delivered again.
 */
export async function deliverEvent<T extends TopicName>(broker: InProcessBroker, topic: T, payload: PayloadOf<T>, key: string, producer = 'gateway'): Promise<Envelope<PayloadOf<T>>> {
  const envelope = createEnvelope(producer, topic, payload, { key });
  await redeliverEvent(broker, envelope);
  return envelope;
}

/** Sends an envelope again, unchanged (same event id): a redelivery the consumer's inbox must absorb. */
export async function redeliverEvent(broker: InProcessBroker, envelope: Envelope): Promise<void> {
  await broker.send([{ topic: envelope.type, key: envelope.key, value: JSON.stringify(envelope), headers: {} }]);
}

/** The envelopes published on a topic so far, parsed. */
export function publishedEvents<T extends TopicName>(broker: InProcessBroker, topic: T): Envelope<PayloadOf<T>>[] {
  return broker.messages(topic).map((m) => JSON.parse(m.value) as Envelope<PayloadOf<T>>);
}
