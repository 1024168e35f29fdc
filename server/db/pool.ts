import pg from 'pg';

export type Pool = pg.Pool;

export interface PoolOptions {
  connectionString: string;
  max: number;
  idleTimeoutMs: number;
  applicationName: string;
  onError: (error: Error) => void;
  /** Keep PostgreSQL's own planning (the benchmarks' floors: what a plain client gets). */
  plainClient?: boolean;
}

/**
 * Every connection plans a prepared statement once (a generic plan) instead of PostgreSQL's
 * default of choosing per execution: for the completing statement "auto" settled on re-planning
 * every time, 0.4-0.5 ms of each answer at 50 questions/s on the benchmark machine (generic:
 * complete 1.07-1.29 ms, re-planned: 1.58-1.69 ms; bench/RESULTS.md). The service's statements
 * are key lookups and small batches, whose best plan does not depend on the values bound.
 */
const PLAN_ONCE = '-c plan_cache_mode=force_generic_plan';

/** A connection pool. Errors on idle clients (server restarted) are reported, not thrown. */
export function createPool(options: PoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    idleTimeoutMillis: options.idleTimeoutMs,
    connectionTimeoutMillis: 5000,
    application_name: options.applicationName,
    // Sent with the connection's start-up. `options` in DATABASE_URL replaces it: pg gives the
    // URL precedence (and uses PGOPTIONS only when no options are given).
    ...(options.plainClient ? {} : { options: PLAN_ONCE }),
  });
  pool.on('error', options.onError);
  return pool;
}
