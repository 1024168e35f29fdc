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
 * every time, 0.4-0.5 ms of each answer at 50 questions/s on the benchmark machine (timed
 * through pg: complete 1.07-1.29 ms with a generic plan, 1.58-1.69 ms re-planned). It applies to every
 * query with parameters (unnamed ones and the triggers' PL/pgSQL too). The service's are key
 * lookups and small batches, whose best plan does not depend on the values bound; the one range
 * query, the hourly retention DELETE, stays on an index (a bitmap scan) at 300k conversations.
 */
const PLAN_ONCE = 'SET plan_cache_mode = force_generic_plan';

function planOnce(client: pg.PoolClient, done: (error?: Error) => void): void {
  client.query(PLAN_ONCE).then(
    () => done(),
    () => done(),
  );
}

/** A connection pool. Errors on idle clients (server restarted) are reported, not thrown. */
export function createPool(options: PoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    idleTimeoutMillis: options.idleTimeoutMs,
    connectionTimeoutMillis: 5000,
    application_name: options.applicationName,
    // Run on each new connection before its first use (pg-pool's verify hook), not sent as a
    // start-up option: PgBouncer refuses unknown start-up options. A server or pooler that
    // refuses the SET only plans as it would anyway.
    ...(options.plainClient ? {} : { verify: planOnce }),
  });
  // pool.end() resolves before its connections have finished closing; a database stopped right
  // after (the embedded one, at shutdown) then ends them first: expected, not worth a warning.
  pool.on('error', (error) => {
    if (!pool.ending) options.onError(error);
  });
  return pool;
}
