/**
 * 6. Reading the statistics when the table is large: `messages` filled with N finished messages,
 * then GET /api/statistics's queries (running totals + the unfinished-messages index) timed
 * against the scan of every message they replaced. /monitor and SSE read them up to four times
 * a second, so their cost must not grow with the history.
 */
import { readStatistics } from '../server/stats/statistics.js';
import { migratedPool } from './lib/database.js';
import { percentile } from './lib/http-client.js';

export interface StatisticsResult {
  messages: number;
  /** GET /api/statistics's database work, as the service does it. */
  totalsP50Ms: number;
  /** The same numbers by scanning every message (how it was done before running totals). */
  scanP50Ms: number;
}

/** The statistics the old way: one aggregate over the whole table. */
const SCAN = `SELECT count(*) FILTER (WHERE status = 'completed'), count(*) FILTER (WHERE status = 'failed'),
    count(*) FILTER (WHERE cancelled), count(*) FILTER (WHERE status = 'pending'),
    count(*) FILTER (WHERE status = 'processing'), sum(retries),
    avg(processing_time_ms) FILTER (WHERE status = 'completed'),
    avg(prompt_tokens + completion_tokens) FILTER (WHERE status = 'completed'),
    sum(coalesce(prompt_tokens, 0) + coalesce(completion_tokens, 0))
  FROM messages`;

async function p50Of(times: number, run: () => Promise<unknown>): Promise<number> {
  const durations: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    durations.push(performance.now() - started);
  }
  return percentile(
    durations.sort((a, b) => a - b),
    50,
  );
}

export async function statisticsBenchmark(params: {
  databaseUrl: string;
  messages: number;
}): Promise<StatisticsResult> {
  const pool = await migratedPool(params.databaseUrl, { max: 4, applicationName: 'medchat bench statistics' });
  try {
    // Finished messages as the service leaves them (the triggers keep the totals, as in service).
    await pool.query(
      `INSERT INTO messages (question, status, response, provider, model, attempts, prompt_tokens,
                             completion_tokens, started_at, completed_at, processing_time_ms)
       SELECT 'How do I treat a fever? (' || g || ')', CASE WHEN g % 50 = 0 THEN 'failed' ELSE 'completed' END,
              repeat('A fever is usually a sign of infection. ', 5), 'mock', 'mock-medical-1', 1, 300, 200,
              now(), now(), 300 + g % 100
         FROM generate_series(1, $1::int) AS g`,
      [params.messages],
    );
    await pool.query('VACUUM ANALYZE messages');
    const statistics = await readStatistics(pool, { instanceStaleAfterMs: 30_000 });
    if (statistics.messagesProcessed !== params.messages) {
      throw new Error(`statistics count ${statistics.messagesProcessed} messages, not ${params.messages}`);
    }
    return {
      messages: params.messages,
      totalsP50Ms: await p50Of(50, () => readStatistics(pool, { instanceStaleAfterMs: 30_000 })),
      scanP50Ms: await p50Of(5, () => pool.query(SCAN)),
    };
  } finally {
    await pool.end();
  }
}
