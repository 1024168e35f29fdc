import pg from 'pg';

export type Pool = pg.Pool;

/**
 * How the connections reach PostgreSQL (DATABASE_POOL_MODE). `session`: each connection is one
 * server session (direct, or a pooler in session mode), so it may keep named prepared statements
 * and settings. `transaction`: a pooler (PgBouncer, Supavisor) may hand each transaction to
 * another server session, so nothing may outlive a transaction.
 */
export type PoolMode = 'session' | 'transaction';

export interface PoolOptions {
  connectionString: string;
  max: number;
  idleTimeoutMs: number;
  applicationName: string;
  onError: (error: Error) => void;
  /** Keep PostgreSQL's own planning (the benchmarks' floors: what a plain client gets). */
  plainClient?: boolean;
  /** Default `session`. */
  mode?: PoolMode;
}

/**
 * Every connection plans a prepared statement once (a generic plan): with the default, PostgreSQL
 * kept re-planning the completing statement on every execution. The service's statements are key
 * lookups and small batches whose best plan does not depend on the values bound (bench/RESULTS.md).
 */
const PLAN_ONCE = 'SET plan_cache_mode = force_generic_plan';

function planOnce(client: pg.PoolClient, done: (error?: Error) => void): void {
  client.query(PLAN_ONCE).then(
    () => done(),
    () => done(),
  );
}

/** A query's config without its statement name; anything else (text, a cursor) as it is. */
function unnamed(config: unknown): unknown {
  if (typeof config !== 'object' || config === null || !('name' in config) || 'submit' in config) return config;
  const { name: _name, ...rest } = config;
  return rest;
}

/**
 * The one place statement names are dropped in transaction mode: a named statement is prepared on
 * one server session, and the next transaction may run on another where the name is unknown, or
 * taken by another client ("prepared statement ... already exists"). Unnamed, each is parsed anew.
 */
class UnnamedStatementClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: forwards every overload of pg's query() unchanged
  override query(config: any, ...rest: any[]): any {
    return Reflect.apply(pg.Client.prototype.query, this, [unnamed(config), ...rest]);
  }
}

/** A connection pool. Errors on idle clients (server restarted) are reported, not thrown. */
export function createPool(options: PoolOptions): Pool {
  const transactionMode = options.mode === 'transaction';
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    idleTimeoutMillis: options.idleTimeoutMs,
    connectionTimeoutMillis: 5000,
    application_name: options.applicationName,
    // Run on each new connection before its first use (pg-pool's verify hook), not sent as a
    // start-up option: PgBouncer refuses unknown start-up options. A server or pooler that
    // refuses the SET only plans as it would anyway. Not behind a transaction pooler: the SET
    // would land on whichever server session ran it, and unnamed statements are planned anew anyway.
    ...(options.plainClient || transactionMode ? {} : { verify: planOnce }),
    ...(transactionMode ? { Client: UnnamedStatementClient } : {}),
  });
  // pool.end() resolves before its connections have finished closing; a database stopped right
  // after (the embedded one, at shutdown) then ends them first: expected, not worth a warning.
  pool.on('error', (error) => {
    if (!pool.ending) options.onError(error);
  });
  return pool;
}
