/** DI token for the IngestDeps bundle (fetcher, blob store, endpoints, limits). */
export const INGEST_DEPS = Symbol('INGEST_DEPS');
/** DI token for IngestSettings. */
export const INGEST_SETTINGS = Symbol('INGEST_SETTINGS');

export interface IngestSettings {
  /** Total delivery attempts (1 + retries): on the last one a transient failure becomes IngestFailed. */
  maxAttempts: number;
}
