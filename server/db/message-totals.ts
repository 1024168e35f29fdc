/**
 * Queries on message_totals: the lifetime counts behind the statistics, kept by statement
 * triggers on messages as insert-only rows of differences (db/005_message_totals.sql).
 */
import type { Pool } from './pool.js';

export interface MessageTotals {
  succeeded: number;
  failed: number;
  cancelled: number;
  totalRetries: number;
  averageProcessingTimeMs: number;
  averageTokensPerMessage: number;
  totalTokensUsed: number;
}

/** The sum of the rows: a handful between compactions, whatever the number of messages. */
export async function readMessageTotals(pool: Pool): Promise<MessageTotals> {
  const { rows } = await pool.query<MessageTotals>(
    `SELECT succeeded, failed, cancelled, retries AS "totalRetries",
            CASE WHEN succeeded > 0 THEN processing_time_ms / succeeded ELSE 0 END AS "averageProcessingTimeMs",
            CASE WHEN succeeded > 0 THEN completed_tokens / succeeded ELSE 0 END AS "averageTokensPerMessage",
            tokens AS "totalTokensUsed"
       FROM (SELECT coalesce(sum(succeeded), 0)::float8 AS succeeded, coalesce(sum(failed), 0)::float8 AS failed,
                    coalesce(sum(cancelled), 0)::float8 AS cancelled, coalesce(sum(retries), 0)::float8 AS retries,
                    coalesce(sum(processing_time_ms), 0)::float8 AS processing_time_ms,
                    coalesce(sum(completed_tokens), 0)::float8 AS completed_tokens,
                    coalesce(sum(tokens), 0)::float8 AS tokens
               FROM message_totals) AS sums`,
  );
  return rows[0] as MessageTotals;
}

/** Folds the rows into one (any instance, any time; concurrent runs are safe). Returns the rows folded. */
export async function compactMessageTotals(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ folded: number }>('SELECT compact_message_totals() AS folded');
  return rows[0]?.folded ?? 0;
}
