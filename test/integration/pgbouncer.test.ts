/**
 * Issue 16: behind PgBouncer in transaction mode (how most managed PostgreSQL offers its pooled
 * URL), with DATABASE_POOL_MODE=transaction and a direct LISTEN_DATABASE_URL. A real PgBouncer,
 * started here; these tests fail (they do not skip) where it is not installed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import { readMigrations } from '../../server/db/migrate.js';
import { createPool, type PoolMode } from '../../server/db/pool.js';
import { MIGRATIONS_DIR, PROJECT_ROOT } from '../../server/paths.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { ask, eventually } from '../helpers/http.js';
import { type LoggedService, startLoggedService } from '../helpers/logged-service.js';
import { type PgBouncer, startPgBouncer } from '../helpers/pgbouncer.js';
import { answeredIds } from '../helpers/process.js';
import { connect, type Recorder } from '../helpers/socket.js';

const QUESTIONS = 100;

let db: TestDatabase;
let bouncer: PgBouncer;
beforeAll(async () => {
  db = await createTestDatabase();
  // Four server connections for two instances whose pools hold up to 18 each: sessions are shared.
  bouncer = await startPgBouncer({ serverUrl: inject('adminDatabaseUrl'), poolMode: 'transaction', poolSize: 4 });
});
afterAll(async () => {
  await bouncer?.stop();
  await db?.drop();
});

describe('configuration', () => {
  it('needs a direct LISTEN_DATABASE_URL in transaction mode, and DATABASE_URL beside it', () => {
    const url = 'postgres://app@pooler:6432/medchat';
    expect(() => loadConfig({ DATABASE_URL: url, DATABASE_POOL_MODE: 'transaction' })).toThrow(
      /DATABASE_POOL_MODE=transaction needs LISTEN_DATABASE_URL/,
    );
    expect(() => loadConfig({ LISTEN_DATABASE_URL: url })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_POOL_MODE: 'statement' })).toThrow(/DATABASE_POOL_MODE.*session, transaction/);
    const direct = 'postgres://app:secret@db:5432/medchat';
    expect(() => loadConfig({ DATABASE_URL: url, LISTEN_DATABASE_URL: 'db:5432' })).toThrow(
      /^Invalid LISTEN_DATABASE_URL: /, // named, never echoed: it may carry a password
    );
    expect(
      loadConfig({ DATABASE_URL: url, DATABASE_POOL_MODE: 'transaction', LISTEN_DATABASE_URL: direct }),
    ).toMatchObject({ databaseUrl: url, databasePoolMode: 'transaction', listenDatabaseUrl: direct });
    expect(loadConfig({})).toMatchObject({ databasePoolMode: 'session', listenDatabaseUrl: undefined });
  });
});

describe('session state', () => {
  /** Every SQL the service can send: its TypeScript (SQL lives in strings) and the migrations. */
  const sources = () =>
    [
      ...fs
        .readdirSync(path.join(PROJECT_ROOT, 'server'), { recursive: true, encoding: 'utf8' })
        .map((f) => `server/${f}`),
      ...fs.readdirSync(path.join(PROJECT_ROOT, 'db')).map((f) => `db/${f}`),
    ]
      .filter((f) => /\.(ts|sql)$/.test(f))
      .map((file) => ({ file, text: fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8') }));

  it('is nowhere a transaction pooler would lose it: only transaction-scoped locks and settings', () => {
    const sessionScoped = [
      /pg_(try_)?advisory_lock(_shared)?\s*\(/i, // the _xact_ variants end with the transaction
      /\bCREATE\s+(TEMP|TEMPORARY)\s+TABLE\b/i,
      /set_config\([^)]*,\s*false\s*\)/i, // is_local = false: for the session
      /\bSET\s+SESSION\b/i,
      /\bPREPARE\s+\w+\s+(\(|AS\b)/i,
    ];
    const found = sources().flatMap(({ file, text }) =>
      sessionScoped.filter((pattern) => pattern.test(text)).map((pattern) => `${file}: ${pattern}`),
    );
    expect(found).toEqual([]);
  });

  it('LISTENs only on the listener connection (LISTEN_DATABASE_URL)', () => {
    const listening = sources()
      .filter(({ text }) => /['"`]\s*(UN)?LISTEN\s/.test(text) || /\blistenTo\(/.test(text))
      .map(({ file }) => file);
    expect(listening).toEqual(['server/realtime/notify-listener.ts']);
  });
});

describe('the pool behind a transaction pooler', () => {
  let single: PgBouncer;
  beforeAll(async () => {
    // One server connection: every client's transactions run on the same server session.
    single = await startPgBouncer({ serverUrl: inject('adminDatabaseUrl'), poolMode: 'transaction', poolSize: 1 });
  });
  afterAll(async () => single?.stop());

  /** Two clients of one pool, each running the same named statement once, one after the other. */
  async function twoClientsPrepare(
    mode: PoolMode,
  ): Promise<{ settled: PromiseSettledResult<unknown>[]; plan: string }> {
    const pool = createPool({
      connectionString: single.urlOf(db.url),
      mode,
      max: 2,
      idleTimeoutMs: 10_000,
      applicationName: 'pgbouncer test',
      onError: () => undefined,
    });
    const [a, b] = [await pool.connect(), await pool.connect()];
    try {
      const plan = (await a.query<{ mode: string }>("SELECT current_setting('plan_cache_mode') AS mode")).rows[0];
      const settled: PromiseSettledResult<unknown>[] = [];
      for (const client of [a, b]) {
        settled.push(
          ...(await Promise.allSettled([client.query({ name: 'probe', text: 'SELECT $1::int', values: [1] })])),
        );
      }
      return { settled, plan: plan?.mode ?? '' };
    } finally {
      a.release(true);
      b.release(true);
      await pool.end();
    }
  }

  it('sends statements unnamed and sets nothing in transaction mode', async () => {
    const { settled, plan } = await twoClientsPrepare('transaction');
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(plan).toBe('auto'); // no SET plan_cache_mode left on a shared server session
  });

  it('(the control) in session mode the second client finds the name taken: what DATABASE_POOL_MODE is for', async () => {
    const { settled } = await twoClientsPrepare('session');
    expect(settled[0]?.status).toBe('fulfilled');
    expect(settled[1]).toMatchObject({
      status: 'rejected',
      reason: { message: 'prepared statement "probe" already exists' },
    });
  });
});

describe('two instances behind PgBouncer in transaction mode', () => {
  const instances: LoggedService[] = [];
  const monitors: Recorder[] = [];
  beforeAll(async () => {
    const pooled = bouncer.urlOf(db.url);
    const start = () =>
      startLoggedService({
        databaseUrl: pooled,
        level: 'info',
        env: {
          DATABASE_URL: pooled,
          DATABASE_POOL_MODE: 'transaction',
          LISTEN_DATABASE_URL: db.url,
          MAX_WORKERS: '8',
          // Sixteen answers at a time, overlapping: both instances' transactions share the four server connections.
          MOCK_LATENCY_MS: '100',
          WORKER_LEASE_SECONDS: '30',
        },
      });
    // At the same moment, on a fresh database: both run the migrations through the pooler.
    instances.push(...(await Promise.all([start(), start()])));
  });
  afterAll(async () => {
    for (const monitor of monitors) monitor.socket.close();
    await Promise.all(instances.map(({ service }) => service.close()));
  });

  it('migrate through the pooler once each, and leave no advisory lock behind', async () => {
    const all = (await readMigrations(MIGRATIONS_DIR)).map((m) => m.name);
    const { rows } = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.name)).toEqual(all);
    // pg_locks is the whole cluster's: other test files migrate their own databases meanwhile.
    const locks = await db.query(
      "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    );
    expect(locks.rowCount).toBe(0);
  });

  it(`answer ${QUESTIONS} questions; each instance's sockets see the other's completions live`, async () => {
    const [a, b] = instances.map((i) => i.service);
    if (!a || !b) throw new Error('two instances start in beforeAll');
    monitors.push(await connect(`${a.url}/monitor`), await connect(`${b.url}/monitor`));
    const xactsBefore = await transactionsThroughPooler();

    const ids = await Promise.all(
      Array.from({ length: QUESTIONS }, (_, i) => ask((i % 2 === 0 ? a : b).url, `Pooled question ${i}?`)),
    );
    const completed = (monitor: Recorder) =>
      new Set(monitor.statuses.filter((s) => s.status === 'completed').map((s) => s.messageId));
    for (const monitor of monitors) {
      await eventually(() => ids.every((id) => completed(monitor).has(id)), 45_000, 'every completion on a socket');
    }
    const { rows } = await db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM messages WHERE id = ANY($1) GROUP BY status',
      [ids],
    );
    expect(rows).toEqual([{ status: 'completed', n: QUESTIONS }]);
    // Each socket heard completions of answers the other instance wrote: carried by NOTIFY to its listener.
    const [answeredByA, answeredByB] = instances.map((i) => answeredIds(i.lines.join('\n')));
    expect(answeredByA?.length).toBeGreaterThan(0);
    expect(answeredByB?.length).toBeGreaterThan(0);
    expect([...(answeredByA ?? []), ...(answeredByB ?? [])].sort()).toEqual([...ids].sort());
    // The work went through PgBouncer, not around it.
    expect((await transactionsThroughPooler()) - xactsBefore).toBeGreaterThanOrEqual(2 * QUESTIONS);
  }, 60_000);

  it('listen on their direct connection, not through the pooler', async () => {
    const clients = await bouncer.show('CLIENTS');
    expect(clients.filter((c) => c.database === db.name).length).toBeGreaterThan(0);
    expect(clients.filter((c) => c.application_name === 'medchat listener')).toEqual([]);
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'medchat listener'`,
    );
    expect(rows[0]?.n).toBe(2);
  });

  it('log no prepared-statement error, and no error at all', () => {
    const lines = instances.flatMap((i) => i.lines);
    expect(lines.length).toBeGreaterThan(QUESTIONS); // one line per request at info
    expect(lines.filter((l) => /prepared statement/i.test(l))).toEqual([]);
    expect(lines.filter((l) => (JSON.parse(l) as { level: number }).level >= 50)).toEqual([]);
    expect(bouncer.output()).not.toMatch(/prepared statement/i);
  });
});

/** Transactions PgBouncer has carried to the test database so far. */
async function transactionsThroughPooler(): Promise<number> {
  const row = (await bouncer.show('STATS')).find((r) => r.database === db.name);
  return Number(row?.total_xact_count ?? 0);
}
