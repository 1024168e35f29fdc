/**
 * Erasing a conversation (DELETE /api/conversations/:id): its messages' rows, questions and
 * answers with them, their idempotency keys, and its own row go in one transaction, which also
 * tells every instance (a NOTIFY, sent at commit) so that they stop its answers being written,
 * drop what they keep of it and tell its followers. The statistics keep their counts: the
 * totals are kept apart from the messages (db/005), as when retention deletes.
 */
import { announceConversationDeleted, deleteConversation, lockConversation } from '../db/conversations.js';
import { deleteConversationMessages } from '../db/messages.js';
import type { Pool } from '../db/pool.js';
import { inTransaction } from '../db/transaction.js';

/** The ids of the messages erased (those being answered first), or null when there is no such conversation. */
export async function eraseConversation(pool: Pool, conversationId: string): Promise<string[] | null> {
  return inTransaction(pool, async (client) => {
    // Locked first: a question added meanwhile waits, then finds the conversation gone.
    if (!(await lockConversation(client, { id: conversationId }))) return null;
    const messageIds = await deleteConversationMessages(client, { conversationId });
    await deleteConversation(client, { id: conversationId });
    await announceConversationDeleted(client, { conversationId, messageIds });
    return messageIds;
  });
}
