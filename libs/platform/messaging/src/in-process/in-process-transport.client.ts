import type { TransportClient, TransportStatus } from '../transport-client';
import type { WireMessage } from '../wire-message';
import type { InProcessBroker } from './in-process-broker';

export class InProcessTransportClient implements TransportClient {
  readonly kind = 'in-process' as const;
  constructor(private readonly broker: InProcessBroker) {}

  send(messages: readonly WireMessage[]): Promise<void> {
    return this.broker.send(messages);
  }

  status(): TransportStatus {
    return 'connected';
  }

  async close(): Promise<void> {
    // Nothing to release: the broker outlives the service (it is shared by the whole process).
  }
}
