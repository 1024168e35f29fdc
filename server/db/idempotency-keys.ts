/** Queries on idempotency_keys: an Idempotency-Key maps to the message it created, for 24 hours. */
import type { Pool } from './pool.js';
import type { Queryable } from './queryable.js';

export const IDEMPOTENCY_WINDOW_HOURS = 24;

/**
 * Records `key` → `messageId` unless a live (under 24 h) record of the key exists. Inside the
 * transaction that inserted the message: a concurrent request with the same key waits on the
 * key's row until the first commits, then sees it taken. True when the key is ours.
 */
export async function claimIdempotencyKey(db: Queryable, params: { key: string; messageId: string }): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO idempotency_keys (key, message_id) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET message_id = EXCLUDED.message_id, created_at = now()
       WHERE idempotency_keys.created_at < now() - ${IDEMPOTENCY_WINDOW_HOURS} * interval '1 hour'`,
    [params.key, params.messageId],
  );
  return rowCount === 1;
}

/** The message a live key points to, or null. */
export async function findIdempotencyKey(db: Queryable, params: { key: string }): Promise<string | null> {
  const { rows } = await db.query<{ messageId: string }>(
    `SELECT message_id AS "messageId" FROM idempotency_keys
      WHERE key = $1 AND created_at >= now() - ${IDEMPOTENCY_WINDOW_HOURS} * interval '1 hour'`,
    [params.key],
  );
  return rows[0]?.messageId ?? null;
}

export async function deleteExpiredIdempotencyKeys(pool: Pool): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM idempotency_keys WHERE created_at < now() - ${IDEMPOTENCY_WINDOW_HOURS} * interval '1 hour'`,
  );
  return rowCount ?? 0;
}
