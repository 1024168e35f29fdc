import pg from 'pg';

export type Pool = pg.Pool;

export interface PoolOptions {
  connectionString: string;
  max: number;
  idleTimeoutMs: number;
  applicationName: string;
  onError: (error: Error) => void;
}

/** A connection pool. Errors on idle clients (server restarted) are reported, not thrown. */
export function createPool(options: PoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    idleTimeoutMillis: options.idleTimeoutMs,
    connectionTimeoutMillis: 5000,
    application_name: options.applicationName,
  });
  pool.on('error', options.onError);
  return pool;
}
