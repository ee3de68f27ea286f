import type { LeasedJobPort } from './leased-job.port';

/**
 * The SQL half of a LeasedJobPort, as each service's job store implements it against its own table. `M` is
 * the database handle (TypeORM's EntityManager in the services); this library never looks inside it.
 */
export interface LeasedJobStore<M, J> {
  claim(manager: M, owner: string, limit: number, leaseMs: number): Promise<J[]>;
  heartbeat(manager: M, owner: string, leaseMs: number, workingOn: string[]): Promise<void>;
  releaseAll(manager: M, owner: string): Promise<void>;
}

/** Structurally a TypeORM DataSource: only what binding a store needs. */
export interface JobDatabase<M> {
  readonly isInitialized: boolean;
  readonly manager: M;
}

/**
 * Binds a job store to a database for the worker loop. Releasing is skipped when the database is not (or no
 * longer) initialised: after a failed bootstrap there is nothing to hand over, and no way to.
 */
export function bindJobStore<M, J>(store: LeasedJobStore<M, J>, db: JobDatabase<M>): Pick<LeasedJobPort<J>, 'claim' | 'heartbeat' | 'releaseAll'> {
  return {
    claim: (owner, limit, leaseMs) => store.claim(db.manager, owner, limit, leaseMs),
    heartbeat: (owner, leaseMs, workingOn) => store.heartbeat(db.manager, owner, leaseMs, workingOn),
    releaseAll: async (owner) => {
      if (db.isInitialized) await store.releaseAll(db.manager, owner);
    },
  };
}
