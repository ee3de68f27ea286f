import type { WireMessage } from './wire-message';

export type TransportStatus = 'connected' | 'disconnected' | 'connecting';

/** The publishing side of a transport (Kafka producer or the in-process broker). */
export interface TransportClient {
  readonly kind: 'kafka' | 'in-process';
  /** Resolves once the broker has durably accepted every message (acks=all on Kafka), in order. */
  send(messages: readonly WireMessage[]): Promise<void>;
  status(): TransportStatus;
  close(): Promise<void>;
}

export const TRANSPORT_CLIENT = Symbol.for('modelguard.messaging.transport-client');
