import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import type { EventDispatcher } from '../consumer/event-dispatcher';
import type { InProcessBroker } from './in-process-broker';

/** Nest transport strategy that subscribes the service's consumer group to the in-process broker. */
export class InProcessMessagingServer extends Server implements CustomTransportStrategy {
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly broker: InProcessBroker,
    private readonly dispatcher: EventDispatcher,
  ) {
    super();
  }

  listen(callback: (err?: unknown) => void): void {
    try {
      const topics = this.dispatcher.topics();
      if (topics.length > 0) {
        this.unsubscribe = this.broker.subscribe(this.dispatcher.service, topics, (m) => this.dispatcher.dispatch(m));
      }
      callback();
    } catch (err) {
      callback(err);
    }
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  on(): never {
    throw new Error('InProcessMessagingServer has no status events');
  }

  unwrap<T>(): T {
    return this.broker as T;
  }
}
