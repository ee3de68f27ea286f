import type { PayloadOf, TopicName } from '@modelguard/contracts';
import type { EntityManager } from 'typeorm';

/**
 * Writes an event in the caller's transaction so it is published if and only if the state change commits.
 * Shaped after @modelguard/messaging's `Outbox.enqueue`, which is bound here once it exists.
 */
export interface EventOutbox {
  enqueue<T extends TopicName>(manager: EntityManager, topic: T, payload: PayloadOf<T>, opts: { key: string }): Promise<void>;
  /** The caller's one-statement write and the event in a single statement (no transaction needed; see Outbox). */
  enqueueWith<T extends TopicName>(
    manager: EntityManager,
    topic: T,
    payload: PayloadOf<T>,
    opts: { key: string },
    write: { sql: string; params: readonly unknown[] },
  ): Promise<void>;
}

export const GATEWAY_OUTBOX = Symbol('GATEWAY_OUTBOX');
