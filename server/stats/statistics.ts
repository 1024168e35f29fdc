/** The global statistics of GET /api/statistics, derived from the database (all instances). */
import type { Statistics } from '../../shared/rest.js';
import { liveWorkerCapacity } from '../db/instances.js';
import { readMessageTotals } from '../db/message-totals.js';
import { countUnfinished } from '../db/messages.js';
import type { Pool } from '../db/pool.js';

export async function readStatistics(pool: Pool, params: { instanceStaleAfterMs: number }): Promise<Statistics> {
  const [totals, unfinished, capacity] = await Promise.all([
    readMessageTotals(pool),
    countUnfinished(pool),
    liveWorkerCapacity(pool, { staleAfterMs: params.instanceStaleAfterMs }),
  ]);
  const processed = totals.succeeded + totals.failed;
  // A worker of an instance that died without saying so still counts as active until the sweeper
  // takes its message back; capacity never shows below what is active.
  const maxWorkers = Math.max(capacity, unfinished.processing);
  return {
    messagesProcessed: processed,
    messagesSucceeded: totals.succeeded,
    messagesFailed: totals.failed,
    messagesCancelled: totals.cancelled,
    totalRetries: totals.totalRetries,
    averageProcessingTimeMs: round(totals.averageProcessingTimeMs, 1),
    averageTokensPerMessage: round(totals.averageTokensPerMessage, 1),
    totalTokensUsed: totals.totalTokensUsed,
    activeWorkers: unfinished.processing,
    queueLength: unfinished.pending,
    maxWorkers,
    idleWorkers: maxWorkers - unfinished.processing,
    successRate: processed === 0 ? 0 : round(totals.succeeded / processed, 4),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
