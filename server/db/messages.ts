/**
 * Queries on the messages table: one exported function per SQL operation, explicit parameters.
 * Every write that changes `status` fires the NOTIFY trigger (db/002_notify.sql).
 */
import type { MessageStatus } from '../../shared/status.js';
import type { Pool } from './pool.js';
import type { Queryable } from './queryable.js';

export interface MessageRow {
  id: string;
  question: string;
  status: MessageStatus;
  response: string | null;
  error: string | null;
  provider: string | null;
  model: string | null;
  attempts: number;
  retries: number;
  promptTokens: number | null;
  completionTokens: number | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  processingTimeMs: number | null;
  conversationId: string | null;
  cancelled: boolean;
  urgent: boolean;
  urgentAdvice: string | null;
}

const MESSAGE_COLUMNS = `id, question, status, response, error, provider, model, attempts, retries,
  prompt_tokens AS "promptTokens", completion_tokens AS "completionTokens", created_at AS "createdAt",
  started_at AS "startedAt", completed_at AS "completedAt", processing_time_ms AS "processingTimeMs",
  conversation_id AS "conversationId", cancelled, urgent, urgent_advice AS "urgentAdvice"`;

/**
 * A new pending message, held (queued) by the instance that accepted it, in one statement: in a
 * new conversation (conversationId null) or appended to an existing one, whose activity time it
 * updates. The id is chosen by the caller, so a socket can join the message's room before the
 * row (and its first event) exists. Returns the conversation id, or null when the given
 * conversation does not exist (nothing is written then).
 */
export async function insertMessage(
  db: Queryable,
  params: {
    id: string;
    question: string;
    conversationId: string | null;
    urgentAdvice: string | null;
    instanceId: string;
    leaseMs: number;
  },
): Promise<string | null> {
  const { rows } = await db.query<{ conversationId: string }>(
    `WITH new_conversation AS (
       INSERT INTO conversations (created_at) SELECT now() WHERE $3::uuid IS NULL RETURNING id),
     existing_conversation AS (
       UPDATE conversations SET updated_at = now() WHERE id = $3::uuid RETURNING id),
     conversation AS (SELECT id FROM new_conversation UNION ALL SELECT id FROM existing_conversation)
     INSERT INTO messages (id, question, conversation_id, urgent, urgent_advice, claimed_by, lease_expires_at)
     SELECT $1, $2, conversation.id, $4::text IS NOT NULL, $4, $5, now() + $6 * interval '1 millisecond'
       FROM conversation
     RETURNING conversation_id AS "conversationId"`,
    [params.id, params.question, params.conversationId, params.urgentAdvice, params.instanceId, params.leaseMs],
  );
  return rows[0]?.conversationId ?? null;
}

export async function getMessage(db: Queryable, id: string): Promise<MessageRow | null> {
  const { rows } = await db.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** The messages of a conversation in the order they were asked. */
export async function getConversationMessages(db: Queryable, conversationId: string): Promise<MessageRow[]> {
  const { rows } = await db.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 ORDER BY created_at, id`,
    [conversationId],
  );
  return rows;
}

/** The current status (and answer or error) of several messages at once. */
export type MessageStateRow = Pick<
  MessageRow,
  'id' | 'status' | 'response' | 'error' | 'conversationId' | 'cancelled' | 'urgent' | 'urgentAdvice'
>;

export async function getMessageStates(pool: Pool, ids: string[]): Promise<MessageStateRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await pool.query<MessageStateRow>(
    `SELECT id, status, response, error, conversation_id AS "conversationId", cancelled, urgent,
            urgent_advice AS "urgentAdvice"
       FROM messages WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return rows;
}

export interface ClaimedMessage {
  id: string;
  question: string;
  attempts: number;
  retries: number;
  conversationId: string | null;
  createdAt: Date;
  /** Whether the conversation has earlier messages (so the context must be read). */
  hasEarlierTurns: boolean;
}

/**
 * pending → processing, atomically: only one worker of all instances gets the row. Counts the
 * attempt. Null when the message is no longer pending (another worker has it, or it is done).
 */
export async function claimMessage(
  pool: Pool,
  params: { id: string; instanceId: string; leaseMs: number },
): Promise<ClaimedMessage | null> {
  const { rows } = await pool.query<ClaimedMessage>(
    `UPDATE messages
        SET status = 'processing', claimed_by = $2, lease_expires_at = now() + $3 * interval '1 millisecond',
            started_at = now(), attempts = attempts + 1
      WHERE id = $1 AND status = 'pending'
      RETURNING id, question, attempts, retries, conversation_id AS "conversationId", created_at AS "createdAt",
                EXISTS (SELECT 1 FROM messages earlier
                         WHERE earlier.conversation_id = messages.conversation_id
                           AND earlier.created_at < messages.created_at) AS "hasEarlierTurns"`,
    [params.id, params.instanceId, params.leaseMs],
  );
  return rows[0] ?? null;
}

/** Before a retry: counts it and the new attempt. False when this worker no longer holds the message. */
export async function recordRetry(pool: Pool, params: { id: string; instanceId: string }): Promise<number | null> {
  const { rows } = await pool.query<{ attempts: number }>(
    `UPDATE messages SET retries = retries + 1, attempts = attempts + 1
      WHERE id = $1 AND status = 'processing' AND claimed_by = $2
      RETURNING attempts`,
    [params.id, params.instanceId],
  );
  return rows[0]?.attempts ?? null;
}

export interface Completion {
  id: string;
  instanceId: string;
  response: string;
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
}

/** processing → completed, only by the worker that holds it. False if it lost the message. */
export async function completeMessage(pool: Pool, c: Completion): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE messages
        SET status = 'completed', response = $3, error = NULL, provider = $4, model = $5,
            prompt_tokens = $6, completion_tokens = $7, completed_at = now(),
            processing_time_ms = extract(epoch FROM now() - started_at) * 1000,
            claimed_by = NULL, lease_expires_at = NULL
      WHERE id = $1 AND status = 'processing' AND claimed_by = $2`,
    [c.id, c.instanceId, c.response, c.provider, c.model, c.promptTokens, c.completionTokens],
  );
  return rowCount === 1;
}

/** processing → failed, only by the worker that holds it. */
export async function failMessage(
  pool: Pool,
  params: { id: string; instanceId: string; error: string; provider: string | null; model: string | null },
): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE messages
        SET status = 'failed', error = $3, provider = $4, model = $5, completed_at = now(),
            processing_time_ms = extract(epoch FROM now() - started_at) * 1000,
            claimed_by = NULL, lease_expires_at = NULL
      WHERE id = $1 AND status = 'processing' AND claimed_by = $2`,
    [params.id, params.instanceId, params.error, params.provider, params.model],
  );
  return rowCount === 1;
}

/**
 * pending|processing → failed with error "cancelled", whoever holds it. The status event tells
 * the instance working on it to abort the provider call. False when it was already finished.
 */
export async function cancelMessage(pool: Pool, params: { id: string }): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE messages
        SET status = 'failed', error = 'cancelled', cancelled = true, completed_at = now(),
            processing_time_ms = extract(epoch FROM now() - started_at) * 1000,
            claimed_by = NULL, lease_expires_at = NULL
      WHERE id = $1 AND status IN ('pending', 'processing')`,
    [params.id],
  );
  return rowCount === 1;
}

/**
 * Extends the lease of the messages this instance still holds in memory (queued or processing).
 * Only those: a message whose worker gave up on it (e.g. the database was away) is left to expire,
 * so the sweeper picks it up again.
 */
export async function renewLeases(
  pool: Pool,
  params: { instanceId: string; ids: string[]; leaseMs: number },
): Promise<number> {
  if (params.ids.length === 0) return 0;
  const { rowCount } = await pool.query(
    `UPDATE messages SET lease_expires_at = now() + $3 * interval '1 millisecond'
      WHERE id = ANY($2::uuid[]) AND claimed_by = $1 AND status IN ('pending', 'processing')`,
    [params.instanceId, params.ids, params.leaseMs],
  );
  return rowCount ?? 0;
}

/** On shutdown: everything this instance holds goes back to pending, free for any instance. */
export async function releaseMessages(pool: Pool, params: { instanceId: string }): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE messages SET status = 'pending', claimed_by = NULL, lease_expires_at = NULL
      WHERE claimed_by = $1 AND status IN ('pending', 'processing')`,
    [params.instanceId],
  );
  return rowCount ?? 0;
}

/**
 * The sweeper's take: unfinished messages that no live instance holds (no lease, or an expired
 * one) become pending and held by this instance, oldest first, at most `limit`. SKIP LOCKED lets
 * several instances sweep at once without waiting on or taking each other's rows.
 */
export async function takeAbandonedMessages(
  pool: Pool,
  params: { instanceId: string; leaseMs: number; limit: number },
): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `WITH abandoned AS (
       SELECT id FROM messages
        WHERE status IN ('pending', 'processing')
          AND (lease_expires_at IS NULL OR lease_expires_at < now())
        ORDER BY created_at
        LIMIT $3
        FOR UPDATE SKIP LOCKED)
     UPDATE messages m
        SET status = 'pending', claimed_by = $1, lease_expires_at = now() + $2 * interval '1 millisecond'
       FROM abandoned WHERE m.id = abandoned.id
     RETURNING m.id`,
    [params.instanceId, params.leaseMs, params.limit],
  );
  return rows.map((r) => r.id);
}

export interface MessageTotals {
  succeeded: number;
  failed: number;
  cancelled: number;
  pending: number;
  processing: number;
  totalRetries: number;
  averageProcessingTimeMs: number;
  averageTokensPerMessage: number;
  totalTokensUsed: number;
}

/** Aggregates over all messages: the global statistics, correct across restarts and instances. */
export async function messageTotals(pool: Pool): Promise<MessageTotals> {
  const { rows } = await pool.query<MessageTotals>(
    `SELECT count(*) FILTER (WHERE status = 'completed')::float8 AS succeeded,
            count(*) FILTER (WHERE status = 'failed')::float8 AS failed,
            count(*) FILTER (WHERE cancelled)::float8 AS cancelled,
            count(*) FILTER (WHERE status = 'pending')::float8 AS pending,
            count(*) FILTER (WHERE status = 'processing')::float8 AS processing,
            coalesce(sum(retries), 0)::float8 AS "totalRetries",
            coalesce(avg(processing_time_ms) FILTER (WHERE status = 'completed'), 0)::float8
              AS "averageProcessingTimeMs",
            coalesce(avg(prompt_tokens + completion_tokens) FILTER (WHERE status = 'completed'), 0)::float8
              AS "averageTokensPerMessage",
            coalesce(sum(coalesce(prompt_tokens, 0) + coalesce(completion_tokens, 0)), 0)::float8
              AS "totalTokensUsed"
       FROM messages`,
  );
  return rows[0] as MessageTotals;
}
