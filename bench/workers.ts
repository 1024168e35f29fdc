/**
 * 5. Realistic model latency: the mock answers in 1 s; throughput as MAX_WORKERS grows. The
 * service waits on the model, not the CPU, so throughput should grow with the workers.
 */
import { ask, pool } from './lib/http-client.js';
import { watchCompletions } from './lib/monitor.js';
import { startServer } from './lib/server-process.js';

export interface WorkersRow {
  maxWorkers: number;
  messages: number;
  messagesPerSecond: number;
  idealMessagesPerSecond: number;
}

export async function workersBenchmark(params: {
  createDatabase: () => Promise<string>;
  workerCounts: number[];
  latencyMs: number;
  rounds: number;
}): Promise<WorkersRow[]> {
  const rows: WorkersRow[] = [];
  for (const maxWorkers of params.workerCounts) {
    const server = await startServer({
      DATABASE_URL: await params.createDatabase(),
      MOCK_LATENCY_MS: String(params.latencyMs),
      MAX_WORKERS: String(maxWorkers),
      QUEUE_MAXSIZE: '100000',
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
    });
    try {
      const messages = maxWorkers * params.rounds;
      const watcher = await watchCompletions(server.url);
      const started = performance.now();
      await pool(messages, 64, (i) => ask(server.url, `What helps with a cough? (${i})`));
      const finished = await watcher.waitFor(messages, 120_000);
      watcher.close();
      const seconds = (Math.max(...finished.values()) - started) / 1000;
      rows.push({
        maxWorkers,
        messages,
        messagesPerSecond: messages / seconds,
        idealMessagesPerSecond: maxWorkers / (params.latencyMs / 1000),
      });
    } finally {
      await server.stop();
    }
  }
  return rows;
}
