import { Inject, Injectable } from '@nestjs/common';
import type { Envelope, PayloadOf, TopicName } from '@modelguard/contracts';
import { createEnvelope, type EnqueueOptions, toWireMessage } from './envelope.codec';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging.tokens';
import { captureTraceHeaders } from './trace-context';
import { TRANSPORT_CLIENT, type TransportClient } from './transport-client';

/**
 * Publishes an event immediately, without the outbox. Only for events that have no database write behind
 * them (if the process dies before the broker acknowledges, the event is lost). Everything else: Outbox.
 */
@Injectable()
export class EventPublisher {
  constructor(
    @Inject(TRANSPORT_CLIENT) private readonly transport: TransportClient,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
  ) {}

  async publish<T extends TopicName>(topic: T, payload: PayloadOf<T>, opts: EnqueueOptions): Promise<Envelope<PayloadOf<T>>> {
    const envelope = createEnvelope(this.options.service, topic, payload, opts);
    await this.transport.send([toWireMessage(envelope, captureTraceHeaders())]);
    return envelope;
  }
}
