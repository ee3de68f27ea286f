import type { IncomingMessage, WireMessage } from '../wire-message';

export interface StoredMessage extends WireMessage {
  offset: number;
  /** Global publish order, so a group subscribed to several topics sees messages in publish order. */
  seq: number;
}

type Handler = (message: IncomingMessage) => Promise<void>;

interface GroupState {
  topics: Set<string>;
  handler: Handler;
  queue: StoredMessage[];
  committed: Map<string, number>;
  running: boolean;
  active: boolean;
}

/** Delay before redelivering a message whose handler threw (the transport-level retry, like Kafka). */
const REDELIVERY_DELAY_MS = 100;

/**
 * An in-memory stand-in for Kafka with the semantics our code relies on: topics are append-only logs,
 * each consumer group gets every message once in order (committed offsets survive a re-subscribe, new
 * groups start from the beginning), delivery is asynchronous (never inside the publisher's call stack),
 * and values cross it as JSON strings, so object sharing bugs show up here too.
 */
export class InProcessBroker {
  private readonly logs = new Map<string, StoredMessage[]>();
  private readonly groups = new Map<string, GroupState>();
  private seq = 0;

  async send(messages: readonly WireMessage[]): Promise<void> {
    for (const m of messages) {
      const log = this.logFor(m.topic);
      const stored: StoredMessage = { topic: m.topic, key: m.key, value: m.value, headers: { ...m.headers }, offset: log.length, seq: this.seq++ };
      log.push(stored);
      for (const group of this.groups.values()) {
        if (group.active && group.topics.has(m.topic)) group.queue.push(stored);
      }
    }
    for (const group of this.groups.values()) this.schedule(group);
  }

  /** Subscribes a consumer group; returns the unsubscribe function. One consumer per group. */
  subscribe(groupId: string, topics: readonly string[], handler: Handler): () => void {
    const previous = this.groups.get(groupId);
    if (previous?.active) throw new Error(`consumer group ${groupId} already has a consumer`);
    const committed = previous?.committed ?? new Map<string, number>();
    const backlog = topics.flatMap((t) => this.logFor(t).slice(committed.get(t) ?? 0)).sort((a, b) => a.seq - b.seq);
    const group: GroupState = { topics: new Set(topics), handler, queue: backlog, committed, running: false, active: true };
    this.groups.set(groupId, group);
    this.schedule(group);
    return () => {
      group.active = false;
      group.queue = [];
    };
  }

  /** Every message ever sent to a topic (tests, redrive). */
  messages(topic: string): readonly StoredMessage[] {
    return this.logFor(topic);
  }

  /** Resolves when no group has queued or running deliveries (including ones those deliveries caused). */
  async whenIdle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const busy = [...this.groups.values()].some((g) => g.active && (g.running || g.queue.length > 0));
      if (!busy) {
        // One more turn of the event loop: a handler's follow-up send may be scheduled but not yet run.
        await new Promise((r) => setTimeout(r, 5));
        if (![...this.groups.values()].some((g) => g.active && (g.running || g.queue.length > 0))) return;
      }
      if (Date.now() > deadline) throw new Error(`in-process broker still busy after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private logFor(topic: string): StoredMessage[] {
    let log = this.logs.get(topic);
    if (!log) {
      log = [];
      this.logs.set(topic, log);
    }
    return log;
  }

  private schedule(group: GroupState): void {
    if (group.running || group.queue.length === 0 || !group.active) return;
    group.running = true;
    // setImmediate: delivery never runs inside the sender's transaction or call stack.
    setImmediate(() => void this.pump(group));
  }

  private async pump(group: GroupState): Promise<void> {
    try {
      while (group.active && group.queue.length > 0) {
        const message = group.queue[0];
        try {
          await group.handler({ topic: message.topic, key: message.key, value: message.value, headers: { ...message.headers } });
        } catch {
          // The consumer could not even dead-letter the message: redeliver later, like an uncommitted offset.
          await new Promise((r) => setTimeout(r, REDELIVERY_DELAY_MS));
          continue;
        }
        if (group.queue[0] === message) group.queue.shift();
        group.committed.set(message.topic, message.offset + 1);
      }
    } finally {
      group.running = false;
    }
    this.schedule(group);
  }
}

/** The broker shared by everything in this process unless one is injected explicitly. */
export const defaultInProcessBroker = new InProcessBroker();
