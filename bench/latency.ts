/**
 * 2. Latency at a steady rate: a question every 1/rate seconds; the time from sending the POST
 * to the `completed` event arriving on a subscribed socket (/monitor sees every message).
 *
 * Beside it, at the same rate, two references measured through pg until a LISTEN connection
 * hears the `completed` NOTIFY (no HTTP, no socket, no queue):
 * - the database floor: the three statements a plain client runs (insert, claim, complete,
 *   with their triggers, unprepared), as in the throughput benchmark;
 * - the service's own statements: the two it runs when a worker is idle (insert already
 *   claimed, complete; prepared). The service's latency minus this is all it adds itself.
 *
 * With BENCH_POOLER=pgbouncer, a fourth: the same service through a PgBouncer in transaction mode
 * (DATABASE_POOL_MODE=transaction, unnamed statements), what a pooler costs.
 *
 * They are measured in alternating slices (the order rotating), so that the machine's drift
 * falls on all alike: measured one after the other, the service's "own cost" came out
 * anywhere from 0.7 to 3.4 ms on one afternoon. Each starts with WARM_UP_MESSAGES at the same
 * rate that are not measured (JIT, connections).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { STATUS_CHANNEL } from '../server/db/channels.js';
import type { Pool } from '../server/db/pool.js';
import { startPgBouncer } from '../test/helpers/pgbouncer.js';
import { migratedPool } from './lib/database.js';
import { claimedMessageThroughDatabase, messageThroughDatabase } from './lib/floor.js';
import { ask, percentile } from './lib/http-client.js';
import { watchCompletions } from './lib/monitor.js';
import { startServer } from './lib/server-process.js';

export interface LatencyResult {
  ratePerSecond: number;
  messages: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  floor?: Percentiles;
  serviceStatements?: Percentiles;
  /** BENCH_POOLER=pgbouncer: the same service through PgBouncer in transaction mode, measured alongside. */
  throughPgBouncer?: Percentiles;
}

export interface Percentiles {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** Sent first and not measured, by the service and the references alike. */
const WARM_UP_MESSAGES = 100;
/** Each is measured in this many slices, alternating with the others. */
const SLICES = 5;

/** Open loop: calls `send(i)` every 1/rate seconds, whatever the earlier calls are doing. */
async function atSteadyRate(total: number, ratePerSecond: number, send: (i: number) => Promise<void>) {
  const sends: Promise<void>[] = [];
  const interval = 1000 / ratePerSecond;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = start + i * interval - performance.now();
    if (wait > 0) await sleep(wait);
    const sending = send(i);
    // Handled at once: a send that fails while later ones are still being scheduled would be an
    // unhandled rejection, ending the bench before it stops the servers and PgBouncer it started.
    sending.catch(() => undefined);
    sends.push(sending);
  }
  await Promise.all(sends);
}

/** Something whose latency is measured: `measure` sends `count` messages at the rate. */
interface LatencySource {
  /** The latency of each message, in milliseconds. */
  measure(count: number): Promise<number[]>;
  close(): Promise<void>;
}

/** Messages through the database alone, each until its `completed` NOTIFY is heard. */
async function databaseSource(params: {
  databaseUrl: string;
  ratePerSecond: number;
  /** One message through the database; resolves with its id when its completion is committed. */
  oneMessage: (db: Pool, question: string) => Promise<string>;
  /** PostgreSQL's own planning, as a plain client has it (the floor), or the service's. */
  plainClient: boolean;
}): Promise<LatencySource> {
  const db = await migratedPool(params.databaseUrl, {
    max: 8,
    applicationName: 'medchat bench latency reference',
    plainClient: params.plainClient,
  });
  const listener = new pg.Client({ connectionString: params.databaseUrl });
  // When each message's `completed` NOTIFY arrived, and who waits for one still to come.
  const arrivedAt = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  listener.on('notification', (n) => {
    const event = JSON.parse(n.payload ?? '{}') as { id?: string; status?: string };
    if (event.status !== 'completed' || !event.id) return;
    arrivedAt.set(event.id, performance.now());
    waiting.get(event.id)?.();
  });
  const close = async () => {
    await listener.end().catch(() => undefined);
    await db.end();
  };
  try {
    await listener.connect();
    await listener.query(`LISTEN ${STATUS_CHANNEL}`);
  } catch (error) {
    await close();
    throw error;
  }
  let sent = 0;
  return {
    async measure(count) {
      const latencies: number[] = [];
      await atSteadyRate(count, params.ratePerSecond, async () => {
        const t0 = performance.now();
        const id = await params.oneMessage(db, `Is a sore throat with a cold serious? (${sent++})`);
        if (!arrivedAt.has(id)) await new Promise<void>((resolve) => waiting.set(id, resolve));
        latencies.push((arrivedAt.get(id) as number) - t0);
        arrivedAt.delete(id);
        waiting.delete(id);
      });
      return latencies;
    },
    close,
  };
}

/**
 * How the service reaches its database: directly, or through a PgBouncer in transaction mode
 * started here (DATABASE_POOL_MODE=transaction, LISTEN_DATABASE_URL direct).
 */
async function databaseEnv(
  databaseUrl: string,
  pooled: boolean,
): Promise<{ env: Record<string, string>; stop(): Promise<void> }> {
  if (!pooled) return { env: { DATABASE_URL: databaseUrl }, stop: async () => {} };
  // PgBouncer's own default pool size, more than the service's pool holds: it adds its hop, not a queue.
  const pooler = await startPgBouncer({ serverUrl: databaseUrl, poolMode: 'transaction', poolSize: 20 });
  return {
    env: {
      DATABASE_URL: pooler.urlOf(databaseUrl),
      DATABASE_POOL_MODE: 'transaction',
      LISTEN_DATABASE_URL: databaseUrl,
    },
    stop: () => pooler.stop(),
  };
}

/** Questions POSTed to the service, each until its `completed` event reaches a /monitor socket. */
async function serviceSource(params: {
  databaseUrl: string;
  ratePerSecond: number;
  pooled: boolean;
}): Promise<LatencySource> {
  const database = await databaseEnv(params.databaseUrl, params.pooled);
  const server = await startServer({
    ...database.env,
    MOCK_LATENCY_MS: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
  }).catch(async (error: unknown) => {
    await database.stop();
    throw error;
  });
  const watcher = await watchCompletions(server.url).catch(async (error: unknown) => {
    await server.stop();
    await database.stop();
    throw error;
  });
  let sent = 0;
  return {
    async measure(count) {
      const sentAt = new Map<string, number>();
      await atSteadyRate(count, params.ratePerSecond, async () => {
        const t0 = performance.now();
        const id = await ask(server.url, `Is a sore throat with a cold serious? (${sent++})`);
        sentAt.set(id, t0);
      });
      // The watcher has heard every message since it connected: wait for all sent so far.
      const finished = await watcher.waitFor(sent, 60_000);
      return [...sentAt].map(([id, t0]) => (finished.get(id) ?? Number.NaN) - t0);
    },
    async close() {
      watcher.close();
      await server.stop();
      await database.stop();
    },
  };
}

function percentilesOf(latencies: number[]): Percentiles {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), p99Ms: percentile(sorted, 99) };
}

export async function latencyBenchmark(params: {
  databaseUrl: string;
  /** Fresh databases for the two references. */
  createDatabase: () => Promise<string>;
  ratePerSecond: number;
  seconds: number;
}): Promise<LatencyResult> {
  const { ratePerSecond } = params;
  const sources: LatencySource[] = [];
  try {
    const floor = await databaseSource({
      databaseUrl: await params.createDatabase(),
      ratePerSecond,
      oneMessage: messageThroughDatabase,
      plainClient: true,
    });
    sources.push(floor);
    const statements = await databaseSource({
      databaseUrl: await params.createDatabase(),
      ratePerSecond,
      oneMessage: claimedMessageThroughDatabase,
      plainClient: false,
    });
    sources.push(statements);
    const service = await serviceSource({ databaseUrl: params.databaseUrl, ratePerSecond, pooled: false });
    sources.push(service);
    if (process.env.BENCH_POOLER === 'pgbouncer') {
      sources.push(await serviceSource({ databaseUrl: await params.createDatabase(), ratePerSecond, pooled: true }));
    }

    for (const source of sources) await source.measure(WARM_UP_MESSAGES);
    const total = ratePerSecond * params.seconds;
    const perSlice = Math.ceil(total / SLICES);
    const measured = sources.map((): number[] => []);
    for (let slice = 0; slice < SLICES; slice++) {
      for (let k = 0; k < sources.length; k++) {
        const index = (slice + k) % sources.length; // a different one goes first each slice
        const count = Math.min(perSlice, total - slice * perSlice);
        measured[index]?.push(...(await (sources[index] as LatencySource).measure(count)));
      }
    }
    const [floorLatencies = [], statementLatencies = [], serviceLatencies = [], pooledLatencies] = measured;
    const serviceSorted = [...serviceLatencies].sort((a, b) => a - b);
    return {
      ratePerSecond,
      messages: serviceLatencies.length,
      ...percentilesOf(serviceLatencies),
      maxMs: serviceSorted.at(-1) ?? Number.NaN,
      floor: percentilesOf(floorLatencies),
      serviceStatements: percentilesOf(statementLatencies),
      ...(pooledLatencies ? { throughPgBouncer: percentilesOf(pooledLatencies) } : {}),
    };
  } finally {
    for (const source of sources) await source.close();
  }
}
