/**
 * The services of the registry, as they name themselves (their `producer` in envelopes, their schema, their
 * consumer group). Contracts say which of them produce, consume, serve and call what.
 */
export const SERVICE_NAMES = ['gateway', 'ingest', 'scan', 'scoring', 'lineage', 'audit'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
