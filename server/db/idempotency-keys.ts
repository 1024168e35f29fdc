/** Queries on idempotency_keys: an Idempotency-Key maps to the message it created, for 24 hours. */
import type { Pool } from './pool.js';
import type { Queryable } from './queryable.js';

export const IDEMPOTENCY_WINDOW_HOURS = 24;

/**
 * Records `key` → `messageId` unless a live (under 24 h) record of the key exists. Inside the
 * transaction that inserted the message: a concurrent request with the same key waits on the
 * key's row until the first commits, then sees it taken. True when the key is ours.
 */
export async function claimIdempotencyKey(
  db: Queryable,
  params: { key: string; messageId: string; fingerprint: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO idempotency_keys (key, message_id, request_fingerprint) VALUES ($1, $2, $3)
     ON CONFLICT (key) DO UPDATE
       SET message_id = EXCLUDED.message_id, request_fingerprint = EXCLUDED.request_fingerprint, created_at = now()
       WHERE idempotency_keys.created_at < now() - ${IDEMPOTENCY_WINDOW_HOURS} * interval '1 hour'`,
    [params.key, params.messageId, params.fingerprint],
  );
  return rowCount === 1;
}

export interface IdempotencyRecord {
  messageId: string;
  /** Of the request that first used the key; null for keys recorded before fingerprints. */
  fingerprint: string | null;
}

/** The message a live key points to, or null. */
export async function findIdempotencyKey(db: Queryable, params: { key: string }): Promise<IdempotencyRecord | null> {
  const { rows } = await db.query<IdempotencyRecord>(
    `SELECT message_id AS "messageId", request_fingerprint AS fingerprint FROM idempotency_keys
      WHERE key = $1 AND created_at >= now() - ${IDEMPOTENCY_WINDOW_HOURS} * interval '1 hour'`,
    [params.key],
  );
  return rows[0] ?? null;
}

export async function deleteExpiredIdempotencyKeys(pool: Pool): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM idempotency_keys WHERE created_at < now() - ${IDEMPOTENCY_WINDOW_HOURS} * interval '1 hour'`,
  );
  return rowCount ?? 0;
}
