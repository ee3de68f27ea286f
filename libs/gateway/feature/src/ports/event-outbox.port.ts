import type { PayloadOf, TopicName } from '@modelguard/contracts';
import type { EntityManager } from 'typeorm';

/**
 * Writes an event in the caller's transaction so it is published if and only if the state change commits.
 * Shaped after @modelguard/messaging's `Outbox.enqueue`, which is bound here once it exists.
 */
export interface EventOutbox {
  enqueue<T extends TopicName>(manager: EntityManager, topic: T, payload: PayloadOf<T>, opts: { key: string }): Promise<void>;
}

export const GATEWAY_OUTBOX = Symbol('GATEWAY_OUTBOX');
