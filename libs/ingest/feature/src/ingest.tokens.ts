/** DI token for the IngestDeps bundle (fetcher, blob store, endpoints, limits). */
export const INGEST_DEPS = Symbol('INGEST_DEPS');
