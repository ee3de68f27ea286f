import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { TopicName } from '@modelguard/contracts';
import { type EventContext, ON_EVENT_METADATA, ON_EVENT_NO_INBOX } from './on-event.decorator';

export interface RegisteredHandler {
  /** Inbox consumer id: stable across restarts (`<Class>.<method>`), unique within the service. */
  consumer: string;
  /** False for a handler declared `{ inbox: false }`: no transaction, no inbox row. */
  inbox: boolean;
  invoke(event: unknown, ctx: EventContext): Promise<void>;
}

/** Finds every @OnEvent method of the application's providers and controllers at module init. */
@Injectable()
export class HandlerRegistry implements OnModuleInit {
  private readonly byTopic = new Map<TopicName, RegisteredHandler[]>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    const seen = new Set<object>();
    for (const wrapper of wrappers) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || seen.has(instance)) continue;
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const topics = Reflect.getMetadata(ON_EVENT_METADATA, prototype, method) as TopicName[] | undefined;
        if (!topics) continue;
        const fn = (instance as Record<string, unknown>)[method];
        if (typeof fn !== 'function') continue;
        const consumer = `${instance.constructor.name}.${method}`;
        const inbox = Reflect.getMetadata(ON_EVENT_NO_INBOX, prototype, method) !== true;
        for (const topic of topics) {
          const list = this.byTopic.get(topic) ?? [];
          list.push({ consumer, inbox, invoke: (event, ctx) => (fn as (e: unknown, c: EventContext) => Promise<void>).call(instance, event, ctx) });
          this.byTopic.set(topic, list);
        }
      }
    }
  }

  topics(): TopicName[] {
    return [...this.byTopic.keys()];
  }

  handlersFor(topic: string): readonly RegisteredHandler[] {
    return this.byTopic.get(topic as TopicName) ?? [];
  }
}
