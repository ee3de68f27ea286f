/**
 * What a service tells the generic worker loop about its own job table. The SQL stays in the service (every
 * schema differs); the loop only needs these few operations, all computed against the database clock.
 */
export interface LeasedJobPort<J> {
  /**
   * Atomically claims up to `limit` claimable jobs for `workerId` (own pending jobs first, then orphans whose
   * lease lapsed) and leases them for `leaseMs`. Claimers must pass each other (FOR UPDATE SKIP LOCKED).
   */
  claim(workerId: string, limit: number, leaseMs: number): Promise<J[]>;
  /** Extends the leases of this worker's queued jobs and of the claims it is still working on (`workingOn`). */
  heartbeat(workerId: string, leaseMs: number, workingOn: string[]): Promise<void>;
  /** On shutdown: hands every unfinished job of `workerId` to the other workers at once. */
  releaseAll(workerId: string): Promise<void>;
  /** The identity the heartbeat vouches for (job id or claim token); unique among in-flight jobs. */
  keyOf(job: J): string;
  /** How log lines name a job, e.g. `job 42` or `ingest of a@1.0`. */
  describe(job: J): string;
  /** The worker that held the job before this claim, when it was another one (its lease lapsed or it handed over). */
  takenOverFrom?(job: J): string | null | undefined;
  /**
   * Runs one claimed job outside any transaction. `signal` aborts when the worker gives up waiting on
   * shutdown. A rejection is logged and the loop carries on; the job's lease then lapses and it is retried.
   */
  process(job: J, signal: AbortSignal): Promise<void>;
}

/** The subset of Nest's Logger the loop uses, so this library needs no framework and tests can capture it. */
export interface JobLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface LeasedJobWorkerOptions {
  /** Used in log lines: `<kind> worker … started`, `claiming <kind> jobs failed`. */
  kind: string;
  workerId: string;
  /** Jobs processed at the same time by this process. */
  concurrency: number;
  leaseMs: number;
  heartbeatMs: number;
  /** Fallback poll for claimable jobs; notify() wakes the loop earlier. */
  pollMs: number;
  /** On stop(), how long in-flight jobs may finish (still heartbeating) before they are aborted; 0 = abort at once. */
  shutdownGraceMs: number;
  /** After aborting, how long stop() waits for the jobs to notice; Infinity = until they all settle. */
  cancelSettleMs: number;
  /** False in tests that drive the worker by hand: onApplicationBootstrap() then does not start it. */
  autoStart: boolean;
}
