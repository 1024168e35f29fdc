/** Queries on the conversations table. */
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
