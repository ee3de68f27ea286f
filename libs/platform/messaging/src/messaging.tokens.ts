/** The process-wide InProcessBroker (embedded mode, tests). Absent → the default broker of the process. */
export const IN_PROCESS_BROKER = Symbol.for('modelguard.messaging.in-process-broker');

export const MESSAGING_OPTIONS = Symbol.for('modelguard.messaging.options');

export interface MessagingModuleOptions {
  /** Service name: producer name in envelopes, consumer group, inbox consumer prefix. */
  service: string;
  /** Fallback poll interval of the outbox relay (it is also woken right after each local commit); default config.messaging.relayPollMs. */
  relayPollMs?: number;
  /** Overrides config.messaging.retry (tests use tiny delays). */
  retry?: { attempts: number; initialDelayMs: number };
}

/** The service's JSON logger (its own instance: embedded mode hosts several services in one process). */
export const MESSAGING_LOGGER = Symbol.for('modelguard.messaging.logger');
