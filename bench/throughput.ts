/**
 * 1. End-to-end throughput: questions posted by concurrent HTTP clients, answered by the mock at
 * zero latency; messages per second from the first POST to the last `completed` event seen on
 * /monitor. Beside it, the database floor: the same SQL per message (insert, claim, complete,
 * with their triggers) issued directly through pg at the same concurrency, one statement per
 * transaction.
 */
import { migratedPool } from './lib/database.js';
import { messageThroughDatabase } from './lib/floor.js';
import { ask, pool } from './lib/http-client.js';
import { watchCompletions } from './lib/monitor.js';
import { startServer } from './lib/server-process.js';

export interface ThroughputResult {
  messages: number;
  concurrency: number;
  maxWorkers: number;
  serviceMessagesPerSecond: number;
  floorMessagesPerSecond: number;
  ratio: number;
}

export async function serviceThroughput(params: {
  databaseUrl: string;
  messages: number;
  concurrency: number;
  maxWorkers: number;
}): Promise<number> {
  const server = await startServer({
    DATABASE_URL: params.databaseUrl,
    MOCK_LATENCY_MS: '0',
    MAX_WORKERS: String(params.maxWorkers),
    QUEUE_MAXSIZE: String(params.messages * 2),
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
  });
  try {
    // Warm up (JIT, connections), then measure.
    const warm = await watchCompletions(server.url);
    await pool(200, params.concurrency, (i) => ask(server.url, `warm-up question ${i} about a headache`));
    await warm.waitFor(200, 60_000);
    warm.close();

    const watcher = await watchCompletions(server.url);
    const started = performance.now();
    await pool(params.messages, params.concurrency, (i) => ask(server.url, `How do I treat a fever? (${i})`));
    const finished = await watcher.waitFor(params.messages, 300_000);
    const last = Math.max(...finished.values());
    watcher.close();
    return params.messages / ((last - started) / 1000);
  } finally {
    await server.stop();
  }
}

export async function databaseFloor(params: {
  databaseUrl: string;
  messages: number;
  concurrency: number;
}): Promise<number> {
  const db = await migratedPool(params.databaseUrl, {
    max: params.concurrency,
    applicationName: 'medchat bench floor',
    plainClient: true,
  });
  try {
    const oneMessage = (i: number) => messageThroughDatabase(db, `How do I treat a fever? (${i})`);
    await pool(200, params.concurrency, oneMessage);
    const started = performance.now();
    await pool(params.messages, params.concurrency, oneMessage);
    return params.messages / ((performance.now() - started) / 1000);
  } finally {
    await db.end();
  }
}

export async function throughputBenchmark(params: {
  createDatabase: () => Promise<string>;
  messages: number;
  concurrency: number;
  maxWorkers: number;
}): Promise<ThroughputResult> {
  const floor = await databaseFloor({ databaseUrl: await params.createDatabase(), ...params });
  const service = await serviceThroughput({ databaseUrl: await params.createDatabase(), ...params });
  return {
    messages: params.messages,
    concurrency: params.concurrency,
    maxWorkers: params.maxWorkers,
    serviceMessagesPerSecond: service,
    floorMessagesPerSecond: floor,
    ratio: service / floor,
  };
}
