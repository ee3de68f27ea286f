export * from './envelope';
export * from './common';
export * from './topics';
export * from './registry/artifact-events.v1';
export * from './ingest/ingest-events.v1';
export * from './scan/scan-events.v1';
