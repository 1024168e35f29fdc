/** A fresh database per test file, on the run's server (see global-setup.ts). */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { migrate } from '../../server/db/migrate.js';
import { createPool, type Pool } from '../../server/db/pool.js';
import { MIGRATIONS_DIR } from '../../server/paths.js';

export interface TestDatabase {
  url: string;
  name: string;
  /** A client on the test database, for assertions. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** One statement on the server's admin database (CREATE/DROP/ALTER DATABASE and the like). */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `medchat_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = withDatabase(inject('adminDatabaseUrl'), name);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined); // the server may be restarted by fault tests
  return {
    url,
    name,
    query: (sql, params) => pool.query(sql, params),
    async drop() {
      await pool.end();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** A fresh database for the calling test file, dropped after it. Read it inside tests. */
export function useTestDatabaseForFile(): TestDatabase {
  let created: TestDatabase | undefined;
  const db = () => {
    if (!created) throw new Error('the test database is made in beforeAll');
    return created;
  };
  beforeAll(async () => {
    created = await createTestDatabase();
  });
  afterAll(async () => {
    await created?.drop();
  });
  return {
    get url() {
      return db().url;
    },
    get name() {
      return db().name;
    },
    query: (sql, params) => db().query(sql, params),
    drop: () => db().drop(),
  };
}

/** The service's own pool on a test database, with the migrations applied: for query-level tests. */
export async function migratedPool(db: TestDatabase, params: { max: number; applicationName: string }): Promise<Pool> {
  const pool = createPool({
    connectionString: db.url,
    max: params.max,
    idleTimeoutMs: 10_000,
    applicationName: params.applicationName,
    onError: () => undefined,
  });
  await migrate(pool, MIGRATIONS_DIR);
  return pool;
}

/**
 * The set-up of a test file that works on the tables: a fresh database and the service's pool on
 * it, made in beforeAll, ended and dropped in afterAll. Read `.db` and `.pool` inside tests.
 */
export function useMigratedPoolForFile(params: { max: number; applicationName: string }): {
  readonly db: TestDatabase;
  readonly pool: Pool;
} {
  let db: TestDatabase | undefined;
  let pool: Pool | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    pool = await migratedPool(db, params);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });
  return {
    get db() {
      if (!db) throw new Error('the database is made in beforeAll');
      return db;
    },
    get pool() {
      if (!pool) throw new Error('the pool is made in beforeAll');
      return pool;
    },
  };
}

/** Holds an exclusive lock on `messages` (parking every read of it) until `release`. */
export async function lockMessages(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE messages IN ACCESS EXCLUSIVE MODE');
  return {
    async release() {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}
