/** Queries on the conversations table. */
import { NOTIFY_PAYLOAD_LIMIT_BYTES } from '../../shared/limits.js';
import { CONVERSATION_DELETED_CHANNEL } from './channels.js';
import type { ConversationDeletedNotice } from './notify-payloads.js';
import type { Pool } from './pool.js';
import type { Queryable } from './queryable.js';

export interface ConversationRow {
  id: string;
  createdAt: Date;
  updatedAt: Date;
}

export async function getConversation(db: Queryable, params: { id: string }): Promise<ConversationRow | null> {
  const { rows } = await db.query<ConversationRow>(
    'SELECT id, created_at AS "createdAt", updated_at AS "updatedAt" FROM conversations WHERE id = $1',
    [params.id],
  );
  return rows[0] ?? null;
}

export interface ContextTurn {
  question: string;
  response: string;
}

/**
 * The answered questions of a conversation asked before `before`, newest `limit` of them, returned
 * oldest first (the order a model reads them in).
 */
export async function answeredTurnsBefore(
  db: Queryable,
  params: { conversationId: string; before: Date; limit: number },
): Promise<ContextTurn[]> {
  if (params.limit === 0) return [];
  const { rows } = await db.query<ContextTurn>(
    `SELECT question, response FROM messages
      WHERE conversation_id = $1 AND created_at < $2 AND status = 'completed'
      ORDER BY created_at DESC LIMIT $3`,
    [params.conversationId, params.before, params.limit],
  );
  return rows.reverse();
}

/**
 * Retention: deletes conversations (and, by cascade, their messages) idle for longer than
 * `olderThanDays` and with nothing still being answered; also messages from before conversations
 * existed. Returns how many conversations and loose messages went.
 */
export async function deleteIdleConversations(
  pool: Pool,
  params: { olderThanDays: number },
): Promise<{ conversations: number; looseMessages: number }> {
  const cutoff = "now() - $1 * interval '1 day'";
  const conversations = await pool.query(
    `DELETE FROM conversations c WHERE c.updated_at < ${cutoff}
        AND NOT EXISTS (SELECT 1 FROM messages m
                         WHERE m.conversation_id = c.id AND m.status IN ('pending', 'processing'))`,
    [params.olderThanDays],
  );
  const loose = await pool.query(
    `DELETE FROM messages WHERE conversation_id IS NULL AND created_at < ${cutoff}
        AND status IN ('completed', 'failed')`,
    [params.olderThanDays],
  );
  return { conversations: conversations.rowCount ?? 0, looseMessages: loose.rowCount ?? 0 };
}

/**
 * Locks a conversation's row until the transaction ends, so that a question being added to it
 * waits, then finds it gone (404) rather than landing in a conversation being deleted. False when
 * there is no such conversation.
 */
export async function lockConversation(db: Queryable, params: { id: string }): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE', [params.id]);
  return rowCount === 1;
}

/** Deletes a conversation's row (its messages by cascade, if any are left). False when there was none. */
export async function deleteConversation(db: Queryable, params: { id: string }): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM conversations WHERE id = $1', [params.id]);
  return rowCount === 1;
}

/** Message ids per notification: 36-character ids and their quotes keep a payload far below the limit. */
const IDS_PER_NOTICE = Math.floor((NOTIFY_PAYLOAD_LIMIT_BYTES - 200) / 40);

/**
 * Tells every instance (at commit) that a conversation and these messages of it are gone, in as
 * many notifications as the ids need (the first ids first: put the messages being answered there).
 */
export async function announceConversationDeleted(
  db: Queryable,
  params: { conversationId: string; messageIds: string[] },
): Promise<void> {
  const { conversationId, messageIds } = params;
  const notices: ConversationDeletedNotice[] = [];
  for (let start = 0; start < messageIds.length; start += IDS_PER_NOTICE) {
    notices.push({ conversationId, messageIds: messageIds.slice(start, start + IDS_PER_NOTICE) });
  }
  if (notices.length === 0) notices.push({ conversationId, messageIds: [] });
  await db.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [
    CONVERSATION_DELETED_CHANNEL,
    notices.map((notice) => JSON.stringify(notice)),
  ]);
}
