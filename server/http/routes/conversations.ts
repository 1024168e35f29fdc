import type { IRouter } from 'express';
import { type Conversation, conversationIdSchema } from '../../../shared/rest.js';
import { getConversation } from '../../db/conversations.js';
import { getConversationMessages } from '../../db/messages.js';
import type { Pool } from '../../db/pool.js';
import { HttpError } from '../../edge/http-error.js';
import { parseOr400 } from '../../edge/validate.js';
import { toMessageState } from '../../messages/message-state.js';
import { sendJson } from '../json-response.js';

export function conversationRoutes(router: IRouter, deps: { pool: Pool }): void {
  router.get('/api/conversations/:conversationId', async (req, res) => {
    const id = parseOr400(conversationIdSchema, req.params.conversationId);
    const conversation = await getConversation(deps.pool, { id });
    if (!conversation) throw new HttpError(404, 'No conversation with that id.');
    const rows = await getConversationMessages(deps.pool, id);
    const body: Conversation = {
      conversationId: conversation.id,
      createdAt: conversation.createdAt.toISOString(),
      updatedAt: conversation.updatedAt.toISOString(),
      messages: rows.map((row) => ({
        messageId: row.id,
        question: row.question,
        createdAt: row.createdAt.toISOString(),
        ...toMessageState(row),
      })),
    };
    sendJson(res, 200, body);
  });
}
