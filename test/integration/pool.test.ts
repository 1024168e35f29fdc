/**
 * The service's connections plan each prepared statement once (plan_cache_mode), since the
 * re-planning PostgreSQL's "auto" chose for the completing statement cost 0.4-0.5 ms an answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../server/db/pool.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

async function planCacheModeOf(connectionString: string, plainClient?: boolean): Promise<string> {
  const pool = createPool({
    connectionString,
    max: 1,
    idleTimeoutMs: 1000,
    applicationName: 'pool test',
    onError: () => undefined,
    plainClient,
  });
  try {
    const { rows } = await pool.query<{ mode: string }>("SELECT current_setting('plan_cache_mode') AS mode");
    return rows[0]?.mode ?? '';
  } finally {
    await pool.end();
  }
}

describe('createPool', () => {
  it('reports a failed idle connection, but not once the pool is ending', async () => {
    const reported: Error[] = [];
    const pool = createPool({
      connectionString: db.url,
      max: 1,
      idleTimeoutMs: 1000,
      applicationName: 'pool test',
      onError: (error) => reported.push(error),
    });
    pool.emit('error', new Error('server closed the connection'));
    await pool.end();
    pool.emit('error', new Error('terminating connection due to administrator command'));
    expect(reported.map((e) => e.message)).toEqual(['server closed the connection']);
  });

  it('gives every connection generic plans', async () => {
    expect(await planCacheModeOf(db.url)).toBe('force_generic_plan');
  });

  it('leaves PostgreSQL its own planning for a plain client (the benchmarks’ floors)', async () => {
    expect(await planCacheModeOf(db.url, true)).toBe('auto');
  });

  it('keeps the start-up options of DATABASE_URL (poolers such as PgBouncer refuse unknown ones)', async () => {
    const url = new URL(db.url);
    url.searchParams.set('options', '-c statement_timeout=12345');
    const pool = createPool({
      connectionString: url.toString(),
      max: 1,
      idleTimeoutMs: 1000,
      applicationName: 'pool test',
      onError: () => undefined,
    });
    try {
      const { rows } = await pool.query(
        "SELECT current_setting('statement_timeout') AS timeout, current_setting('plan_cache_mode') AS mode",
      );
      expect(rows[0]).toEqual({ timeout: '12345ms', mode: 'force_generic_plan' });
    } finally {
      await pool.end();
    }
  });
});
