/**
 * Queries on the messages table: one exported function per SQL operation, explicit parameters.
 * Every write that changes `status` fires the NOTIFY trigger (db/002_notify.sql).
 *
 * The statements on every answer's path are named, so pg prepares them once per connection.
 * A prepared statement fails ("cached plan must not change result type") if a migration changes
 * the type of a column it returns while instances run: such a migration needs the old instances
 * stopped first (adding columns or indexes is fine).
 */
import { randomUUID } from 'node:crypto';
import type { UrgentSource } from '../../shared/rest.js';
import type { MessageStatus } from '../../shared/status.js';
import { DELTA_CHANNEL } from './channels.js';
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
  /** Which triage layer flagged it (null when not urgent). */
  urgentSource: UrgentSource | null;
}

const MESSAGE_COLUMNS = `id, question, status, response, error, provider, model, attempts, retries,
  prompt_tokens AS "promptTokens", completion_tokens AS "completionTokens", created_at AS "createdAt",
  started_at AS "startedAt", completed_at AS "completedAt", processing_time_ms AS "processingTimeMs",
  conversation_id AS "conversationId", cancelled, urgent, urgent_advice AS "urgentAdvice",
  urgent_source AS "urgentSource"`;

export interface NewMessage {
  id: string;
  question: string;
  /** An existing conversation to append to, or null to start a new one. */
  conversationId: string | null;
  urgentAdvice: string | null;
  /**
   * Written already claimed by this instance (processing, attempt 1), because one of its workers
   * is free to answer it now: saves the separate claim. Watchers still hear pending, then
   * processing (db/008_insert_claimed.sql). Default false: pending, queued here.
   */
  claimed?: boolean;
}

/** A message as written: its conversation, and when it was asked. */
export interface InsertedMessage {
  conversationId: string;
  createdAt: Date;
}

/**
 * New messages, held by the instance that accepted them (pending and queued there, or already
 * claimed), in one statement: each in a new conversation (conversationId null) or appended to
 * an existing one, whose activity time it updates. Ids are chosen by the caller, so a socket can
 * join a message's room before the row (and its first event) exists. Returns, per message in
 * order, what was written, or null when the given conversation does not exist (that message is
 * not written). created_at is offset by each message's position (1 µs apart) so messages of one
 * batch keep their order; a claimed message starts then too. A prepared statement: it is on every answer's path.
 */
export async function insertMessages(
  db: Queryable,
  params: { messages: NewMessage[]; instanceId: string; leaseMs: number },
): Promise<Array<InsertedMessage | null>> {
  const newConversationIds = params.messages.map((m) => (m.conversationId === null ? randomUUID() : null));
  const { rows } = await db.query<InsertedMessage & { id: string }>({
    name: 'insert-messages',
    text: `WITH input AS (
       SELECT t.*, now() + t.position * interval '1 microsecond' AS created_at
         FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $8::boolean[])
              WITH ORDINALITY AS t(id, question, existing_conversation, new_conversation, urgent_advice, claimed, position)),
     created AS (
       INSERT INTO conversations (id) SELECT new_conversation FROM input WHERE new_conversation IS NOT NULL
       RETURNING id),
     touched AS (
       UPDATE conversations c SET updated_at = now() FROM input
        WHERE c.id = input.existing_conversation RETURNING c.id),
     usable AS (SELECT id FROM created UNION SELECT id FROM touched)
     INSERT INTO messages (id, question, conversation_id, urgent, urgent_advice, urgent_source, claimed_by,
                           lease_expires_at, created_at, status, attempts, started_at)
     SELECT input.id, input.question, usable.id, input.urgent_advice IS NOT NULL, input.urgent_advice,
            CASE WHEN input.urgent_advice IS NOT NULL THEN 'rules' END,
            $6, now() + $7 * interval '1 millisecond', input.created_at,
            CASE WHEN input.claimed THEN 'processing' ELSE 'pending' END,
            CASE WHEN input.claimed THEN 1 ELSE 0 END,
            CASE WHEN input.claimed THEN input.created_at END
       FROM input JOIN usable ON usable.id = coalesce(input.existing_conversation, input.new_conversation)
     RETURNING id, conversation_id AS "conversationId", created_at AS "createdAt"`,
    values: [
      params.messages.map((m) => m.id),
      params.messages.map((m) => m.question),
      params.messages.map((m) => m.conversationId),
      newConversationIds,
      params.messages.map((m) => m.urgentAdvice),
      params.instanceId,
      params.leaseMs,
      params.messages.map((m) => m.claimed === true),
    ],
  });
  const written = new Map(rows.map(({ id, ...inserted }) => [id, inserted]));
  return params.messages.map((m) => written.get(m.id) ?? null);
}

/** One message: see insertMessages. */
export async function insertMessage(
  db: Queryable,
  params: NewMessage & { instanceId: string; leaseMs: number },
): Promise<InsertedMessage | null> {
  const { instanceId, leaseMs, ...message } = params;
  const [inserted] = await insertMessages(db, { messages: [message], instanceId, leaseMs });
  return inserted ?? null;
}

export async function getMessage(db: Queryable, id: string): Promise<MessageRow | null> {
  const { rows } = await db.query<MessageRow>({
    name: 'get-message',
    text: `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1`,
    values: [id],
  });
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

/**
 * Deletes the messages of a conversation, questions and answers with them; their idempotency keys
 * go by cascade (db/003). The ids, those still waiting or being answered first.
 */
export async function deleteConversationMessages(db: Queryable, params: { conversationId: string }): Promise<string[]> {
  const { rows } = await db.query<{ id: string; unfinished: boolean }>(
    `DELETE FROM messages WHERE conversation_id = $1 RETURNING id, status IN ('pending', 'processing') AS unfinished`,
    [params.conversationId],
  );
  return [...rows.filter((row) => row.unfinished), ...rows.filter((row) => !row.unfinished)].map((row) => row.id);
}

/** The current status (and answer or error) of several messages at once. */
export type MessageStateRow = Pick<
  MessageRow,
  'id' | 'status' | 'response' | 'error' | 'conversationId' | 'cancelled' | 'urgent' | 'urgentAdvice' | 'urgentSource'
>;

export async function getMessageStates(pool: Pool, ids: string[]): Promise<MessageStateRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await pool.query<MessageStateRow>(
    `SELECT id, status, response, error, conversation_id AS "conversationId", cancelled, urgent,
            urgent_advice AS "urgentAdvice", urgent_source AS "urgentSource"
       FROM messages WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return rows;
}

/**
 * The model's second opinion flags a message urgent, with its advice: only one not urgent yet,
 * so it never replaces the rules' advice nor lowers anything. Any status: an emergency described
 * in a cancelled or answered question is still one. The trigger announces it (db/009). False
 * when nothing changed (already urgent, or deleted).
 */
export async function raiseUrgentFromModel(db: Queryable, params: { id: string; advice: string }): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE messages SET urgent = true, urgent_advice = $2, urgent_source = 'model' WHERE id = $1 AND NOT urgent`,
    [params.id, params.advice],
  );
  return rowCount === 1;
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
 * pending → processing, atomically: only one worker of all instances gets a row. Counts the
 * attempt. Returns the messages claimed; one that is no longer pending (another worker has it,
 * or it is done) is left out.
 *
 * Committed without waiting for the WAL flush (synchronous_commit off, for this statement only):
 * a claim lost to a database crash leaves the message pending or its lease expired, and the
 * sweeper gives it out again, so waiting a disk flush on every answer's path buys nothing.
 */
export async function claimMessages(
  pool: Queryable,
  params: { ids: string[]; instanceId: string; leaseMs: number },
): Promise<ClaimedMessage[]> {
  const { rows } = await pool.query<ClaimedMessage>({
    name: 'claim-messages',
    text: `WITH no_flush_wait AS (SELECT set_config('synchronous_commit', 'off', true))
     UPDATE messages
        SET status = 'processing', claimed_by = $2, lease_expires_at = now() + $3 * interval '1 millisecond',
            started_at = now(), attempts = attempts + 1
      WHERE id = ANY($1::uuid[]) AND status = 'pending'
        AND (SELECT count(*) FROM no_flush_wait) = 1
      RETURNING id, question, attempts, retries, conversation_id AS "conversationId", created_at AS "createdAt",
                EXISTS (SELECT 1 FROM messages earlier
                         WHERE earlier.conversation_id = messages.conversation_id
                           AND earlier.created_at < messages.created_at) AS "hasEarlierTurns"`,
    values: [params.ids, params.instanceId, params.leaseMs],
  });
  return rows;
}

/** One message: see claimMessages. Null when it was not claimed. */
export async function claimMessage(
  pool: Queryable,
  params: { id: string; instanceId: string; leaseMs: number },
): Promise<ClaimedMessage | null> {
  const [claimed] = await claimMessages(pool, {
    ids: [params.id],
    instanceId: params.instanceId,
    leaseMs: params.leaseMs,
  });
  return claimed ?? null;
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
  /** The answer's last delta events (NOTIFY payloads), published just before the status. */
  finalDeltas?: string[];
}

/**
 * processing → completed, each only by the worker that holds it. Returns the ids completed; a
 * message this instance no longer holds (lost lease, cancelled) is left untouched, and its final
 * deltas are not published (another worker may be streaming it).
 */
export async function completeMessages(pool: Queryable, completions: Completion[]): Promise<Set<string>> {
  const deltas = completions.flatMap((c) => (c.finalDeltas ?? []).map((payload) => ({ id: c.id, payload })));
  const { rows } = await pool.query<{ id: string }>({
    name: 'complete-messages',
    text: `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[])
                AS c(id, instance_id, response, provider, model, prompt_tokens, completion_tokens)),
     held AS (
       SELECT m.id FROM messages m JOIN input c ON c.id = m.id
        WHERE m.status = 'processing' AND m.claimed_by = c.instance_id
        FOR UPDATE OF m),
     final_deltas AS (
       SELECT pg_notify($10, d.payload)
         FROM unnest($8::uuid[], $9::text[]) WITH ORDINALITY AS d(id, payload, position)
        WHERE d.id IN (SELECT id FROM held)
        ORDER BY d.position)
     UPDATE messages m
        SET status = 'completed', response = c.response, error = NULL, provider = c.provider, model = c.model,
            prompt_tokens = c.prompt_tokens, completion_tokens = c.completion_tokens, completed_at = now(),
            processing_time_ms = extract(epoch FROM now() - m.started_at) * 1000,
            claimed_by = NULL, lease_expires_at = NULL
       FROM input c
      WHERE m.id = c.id AND m.id IN (SELECT id FROM held)
        -- Evaluated once, before any row changes: the deltas are queued before the status events.
        AND (SELECT count(*) FROM final_deltas) >= 0
      RETURNING m.id`,
    values: [
      completions.map((c) => c.id),
      completions.map((c) => c.instanceId),
      completions.map((c) => c.response),
      completions.map((c) => c.provider),
      completions.map((c) => c.model),
      completions.map((c) => c.promptTokens),
      completions.map((c) => c.completionTokens),
      deltas.map((d) => d.id),
      deltas.map((d) => d.payload),
      DELTA_CHANNEL,
    ],
  });
  return new Set(rows.map((r) => r.id));
}

/** One message: see completeMessages. False if this worker no longer holds it. */
export async function completeMessage(pool: Queryable, completion: Completion): Promise<boolean> {
  return (await completeMessages(pool, [completion])).has(completion.id);
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
 * several instances sweep at once without waiting on or taking each other's rows. `exceptIds`,
 * the messages the sweeping instance still works on, are never taken, even with expired leases.
 */
export async function takeAbandonedMessages(
  pool: Pool,
  params: { instanceId: string; leaseMs: number; limit: number; exceptIds: string[] },
): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `WITH abandoned AS (
       SELECT id FROM messages
        WHERE status IN ('pending', 'processing')
          AND (lease_expires_at IS NULL OR lease_expires_at < now())
          AND id <> ALL($4::uuid[])
        ORDER BY created_at
        LIMIT $3
        FOR UPDATE SKIP LOCKED)
     UPDATE messages m
        SET status = 'pending', claimed_by = $1, lease_expires_at = now() + $2 * interval '1 millisecond'
       FROM abandoned WHERE m.id = abandoned.id
     RETURNING m.id`,
    [params.instanceId, params.leaseMs, params.limit, params.exceptIds],
  );
  return rows.map((r) => r.id);
}

export interface UnfinishedCounts {
  pending: number;
  processing: number;
}

/** Messages waiting and being answered right now, all instances (reads the partial index only). */
export async function countUnfinished(pool: Pool): Promise<UnfinishedCounts> {
  const { rows } = await pool.query<UnfinishedCounts>(
    `SELECT count(*) FILTER (WHERE status = 'pending')::float8 AS pending,
            count(*) FILTER (WHERE status = 'processing')::float8 AS processing
       FROM messages WHERE status IN ('pending', 'processing')`,
  );
  return rows[0] as UnfinishedCounts;
}
