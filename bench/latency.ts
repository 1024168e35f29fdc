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
 * Each starts with WARM_UP_MESSAGES at the same rate that are not measured (JIT, connections).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { STATUS_CHANNEL } from '../server/db/channels.js';
import type { Pool } from '../server/db/pool.js';
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
}

export interface Percentiles {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** Sent first and not measured, by the service and the floor alike. */
const WARM_UP_MESSAGES = 100;

/** Open loop: calls `send(i)` every 1/rate seconds, whatever the earlier calls are doing. */
async function atSteadyRate(total: number, ratePerSecond: number, send: (i: number) => Promise<void>) {
  const sends: Promise<void>[] = [];
  const interval = 1000 / ratePerSecond;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = start + i * interval - performance.now();
    if (wait > 0) await sleep(wait);
    sends.push(send(i));
  }
  await Promise.all(sends);
}

export async function databaseLatency(params: {
  databaseUrl: string;
  ratePerSecond: number;
  messages: number;
  /** One message through the database; resolves with its id when its completion is committed. */
  oneMessage: (db: Pool, question: string) => Promise<string>;
  /** PostgreSQL's own planning, as a plain client has it (the floor), or the service's. */
  plainClient: boolean;
}): Promise<Percentiles> {
  const db = await migratedPool(params.databaseUrl, {
    max: 8,
    applicationName: 'medchat bench latency reference',
    plainClient: params.plainClient,
  });
  const listener = new pg.Client({ connectionString: params.databaseUrl });
  try {
    await listener.connect();
    // When each message's `completed` NOTIFY arrived, and who waits for one still to come.
    const arrivedAt = new Map<string, number>();
    const waiting = new Map<string, () => void>();
    listener.on('notification', (n) => {
      const event = JSON.parse(n.payload ?? '{}') as { id?: string; status?: string };
      if (event.status !== 'completed' || !event.id) return;
      arrivedAt.set(event.id, performance.now());
      waiting.get(event.id)?.();
    });
    await listener.query(`LISTEN ${STATUS_CHANNEL}`);
    const latencies: number[] = [];
    await atSteadyRate(WARM_UP_MESSAGES + params.messages, params.ratePerSecond, async (i) => {
      const t0 = performance.now();
      const id = await params.oneMessage(db, `Is a sore throat with a cold serious? (${i})`);
      if (!arrivedAt.has(id)) await new Promise<void>((resolve) => waiting.set(id, resolve));
      if (i >= WARM_UP_MESSAGES) latencies.push((arrivedAt.get(id) as number) - t0);
      arrivedAt.delete(id);
      waiting.delete(id);
    });
    latencies.sort((a, b) => a - b);
    return { p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95), p99Ms: percentile(latencies, 99) };
  } finally {
    await listener.end().catch(() => undefined);
    await db.end();
  }
}

export async function latencyBenchmark(params: {
  databaseUrl: string;
  /** Fresh databases for the two references. */
  createDatabase: () => Promise<string>;
  ratePerSecond: number;
  seconds: number;
}): Promise<LatencyResult> {
  const reference = async (oneMessage: (db: Pool, question: string) => Promise<string>, plainClient: boolean) =>
    databaseLatency({
      databaseUrl: await params.createDatabase(),
      ratePerSecond: params.ratePerSecond,
      messages: params.ratePerSecond * params.seconds,
      oneMessage,
      plainClient,
    });
  const floor = await reference(messageThroughDatabase, true);
  const serviceStatements = await reference(claimedMessageThroughDatabase, false);
  const server = await startServer({
    DATABASE_URL: params.databaseUrl,
    MOCK_LATENCY_MS: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
  });
  try {
    // Warm up (JIT, the pool's connections) at the same rate, as a running service is; then measure.
    const warm = await watchCompletions(server.url);
    await atSteadyRate(WARM_UP_MESSAGES, params.ratePerSecond, async (i) => {
      await ask(server.url, `Warm-up question about a cold (${i})`);
    });
    await warm.waitFor(WARM_UP_MESSAGES, 60_000);
    warm.close();

    const watcher = await watchCompletions(server.url);
    const total = params.ratePerSecond * params.seconds;
    const sentAt = new Map<string, number>();
    await atSteadyRate(total, params.ratePerSecond, async (i) => {
      const t0 = performance.now();
      const id = await ask(server.url, `Is a sore throat with a cold serious? (${i})`);
      sentAt.set(id, t0);
    });
    const finished = await watcher.waitFor(total, 60_000);
    watcher.close();
    const latencies = [...sentAt].map(([id, t0]) => (finished.get(id) ?? Number.NaN) - t0).sort((a, b) => a - b);
    return {
      ratePerSecond: params.ratePerSecond,
      messages: total,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.at(-1) ?? Number.NaN,
      floor,
      serviceStatements,
    };
  } finally {
    await server.stop();
  }
}
