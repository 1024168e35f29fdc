/**
 * The bench's own database: a fresh one on BENCH_DATABASE_URL / TEST_DATABASE_URL's server, or
 * on the machine's PostgreSQL at 127.0.0.1:5432 when it answers, else on an embedded server.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../server/db/embedded.js';
import { migrate } from '../../server/db/migrate.js';
import { createPool, type Pool } from '../../server/db/pool.js';
import { createLogger } from '../../server/logger.js';
import { MIGRATIONS_DIR } from '../../server/paths.js';

export interface BenchDatabaseServer {
  adminUrl: string;
  kind: 'external' | 'embedded';
  version: string;
  createDatabase(): Promise<string>;
  close(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function adminQuery<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

export async function openDatabaseServer(): Promise<BenchDatabaseServer> {
  const candidates = [
    process.env.BENCH_DATABASE_URL,
    process.env.TEST_DATABASE_URL,
    'postgres://postgres@127.0.0.1:5432/postgres',
  ];
  let adminUrl: string | undefined;
  for (const url of candidates)
    if (url && (await answers(url))) {
      adminUrl = url;
      break;
    }
  let stop = async () => undefined;
  let kind: BenchDatabaseServer['kind'] = 'external';
  if (!adminUrl) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'medchat-bench-pg-'));
    await fs.chmod(dir, 0o755);
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'data'),
      port: 0,
      logger: createLogger('warn'),
    });
    adminUrl = embedded.url;
    kind = 'embedded';
    stop = async () => {
      await embedded.stop();
      await fs.rm(dir, { recursive: true, force: true });
    };
  }
  const url = adminUrl;
  const [{ server_version: version } = { server_version: '?' }] = await adminQuery<{ server_version: string }>(
    url,
    'SHOW server_version',
  );
  const created: string[] = [];
  return {
    adminUrl: url,
    kind,
    version,
    async createDatabase() {
      const name = `medchat_bench_${Date.now()}_${created.length}`;
      created.push(name); // before the await: names stay unique when databases are made together
      await adminQuery(url, `CREATE DATABASE ${name}`);
      const u = new URL(url);
      u.pathname = `/${name}`;
      return u.toString();
    },
    async close() {
      for (const name of created)
        await adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await stop();
    },
  };
}

/** A pool on a bench database with the service's migrations applied, for the floors and references. */
export async function migratedPool(
  databaseUrl: string,
  params: { max: number; applicationName: string; plainClient?: boolean },
): Promise<Pool> {
  const pool = createPool({
    connectionString: databaseUrl,
    max: params.max,
    idleTimeoutMs: 10_000,
    applicationName: params.applicationName,
    onError: () => undefined,
    plainClient: params.plainClient,
  });
  try {
    await migrate(pool, MIGRATIONS_DIR);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return pool;
}
