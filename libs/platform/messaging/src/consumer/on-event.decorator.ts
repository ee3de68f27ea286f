import type { Envelope, PayloadOf, TopicName } from '@modelguard/contracts';
import type { EntityManager } from 'typeorm';

export const ON_EVENT_METADATA = Symbol.for('modelguard.messaging.on-event');
/** Set on a method declared with `{ inbox: false }`. */
export const ON_EVENT_NO_INBOX = Symbol.for('modelguard.messaging.on-event.no-inbox');

export interface OnEventOptions {
  /**
   * False for a handler that only reacts in memory (wakes a stream, drops a cache entry) and writes nothing: it runs
   * without a transaction or an inbox row, so it costs the database nothing and may see a redelivered event again.
   * Only for handlers for which running twice is the same as running once. Default true.
   */
  inbox?: boolean;
}

/** What a handler gets besides the event. */
export interface EventContext {
  /**
   * The handler's transaction; the inbox row is already inserted in it. Write everything through it. (A handler
   * declared with `{ inbox: false }` gets the data source's manager, outside any transaction.)
   */
  manager: EntityManager;
  /** 1 on the first delivery to this handler, then 2, 3, … on retries. */
  attempt: number;
  headers: Readonly<Record<string, string>>;
  topic: TopicName;
}

export type EventHandlerFn<T extends TopicName> = (event: Envelope<PayloadOf<T>>, ctx: EventContext) => Promise<void>;

/**
 * Marks a method of a Nest provider or controller as the handler of `topic` for this service's
 * consumer group. The signature is checked against the topic's payload type at compile time.
 * Throw `NonRetriableError` for failures that a retry cannot fix (they go straight to the DLT).
 */
export function OnEvent<T extends TopicName>(topic: T, options: OnEventOptions = {}) {
  return (target: object, propertyKey: string | symbol, descriptor: TypedPropertyDescriptor<EventHandlerFn<T>>): void => {
    const existing = (Reflect.getMetadata(ON_EVENT_METADATA, target, propertyKey) as TopicName[] | undefined) ?? [];
    Reflect.defineMetadata(ON_EVENT_METADATA, [...existing, topic], target, propertyKey);
    if (options.inbox === false) Reflect.defineMetadata(ON_EVENT_NO_INBOX, true, target, propertyKey);
    void descriptor;
  };
}

/**
 * The @OnEvent methods a class declares and their topics, read from the decorator's metadata without instantiating
 * anything (the HandlerRegistry does the same on live instances); used to check the contract catalogue's consumers.
 */
export function eventHandlersOf(type: abstract new (...args: never[]) => unknown): { method: string; topics: TopicName[] }[] {
  const handlers: { method: string; topics: TopicName[] }[] = [];
  for (let proto = type.prototype as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const method of Object.getOwnPropertyNames(proto)) {
      const topics = Reflect.getMetadata(ON_EVENT_METADATA, proto, method) as TopicName[] | undefined;
      if (topics && !handlers.some((h) => h.method === method)) handlers.push({ method, topics });
    }
  }
  return handlers;
}

/** A failure that retrying cannot fix (bad reference, business rule): dead-lettered on the first attempt. */
export class NonRetriableError extends Error {
  override readonly name = 'NonRetriableError';
}
