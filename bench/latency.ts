/**
 * 2. Latency at a steady rate: a question every 1/rate seconds; the time from sending the POST
 * to the `completed` event arriving on a subscribed socket (/monitor sees every message).
 */
import { setTimeout as sleep } from 'node:timers/promises';
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
}

export async function latencyBenchmark(params: {
  databaseUrl: string;
  ratePerSecond: number;
  seconds: number;
}): Promise<LatencyResult> {
  const server = await startServer({
    DATABASE_URL: params.databaseUrl,
    MOCK_LATENCY_MS: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
  });
  try {
    const watcher = await watchCompletions(server.url);
    const total = params.ratePerSecond * params.seconds;
    const sentAt = new Map<string, number>();
    const posts: Promise<void>[] = [];
    const interval = 1000 / params.ratePerSecond;
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      // Open-loop: send on schedule whatever the previous answers are doing.
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const t0 = performance.now();
      posts.push(
        ask(server.url, `Is a sore throat with a cold serious? (${i})`).then((id) => {
          sentAt.set(id, t0);
        }),
      );
    }
    await Promise.all(posts);
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
    };
  } finally {
    await server.stop();
  }
}
