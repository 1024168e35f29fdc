import type { IRouter } from 'express';
import type { Logger } from 'pino';
import {
  type Conversation,
  type ConversationExport,
  conversationExportQuerySchema,
  conversationIdSchema,
} from '../../../shared/rest.js';
import { exportFileName, toConversation, toConversationExport } from '../../conversations/conversation-view.js';
import { eraseConversation } from '../../conversations/erase-conversation.js';
import { conversationMarkdown } from '../../conversations/export-markdown.js';
import { type ConversationRow, getConversation } from '../../db/conversations.js';
import { getConversationMessages, type MessageRow } from '../../db/messages.js';
import type { Pool } from '../../db/pool.js';
import { HttpError } from '../../edge/http-error.js';
import { parseOr400 } from '../../edge/validate.js';
import type { Dispatcher } from '../../queue/dispatcher.js';
import { sendJson } from '../json-response.js';

export interface ConversationRouteDeps {
  pool: Pool;
  dispatcher: Pick<Dispatcher, 'abort'>;
  logger: Logger;
}

/** The conversation and its messages, or a 404. */
async function readConversation(pool: Pool, id: string): Promise<[ConversationRow, MessageRow[]]> {
  const conversation = await getConversation(pool, { id });
  if (!conversation) throw new HttpError(404, 'No conversation with that id.');
  return [conversation, await getConversationMessages(pool, id)];
}

export function conversationRoutes(router: IRouter, deps: ConversationRouteDeps): void {
  router.get('/api/conversations/:conversationId', async (req, res) => {
    const id = parseOr400(conversationIdSchema, req.params.conversationId);
    sendJson(res, 200, toConversation(...(await readConversation(deps.pool, id))) satisfies Conversation);
  });

  // A file to keep: JSON (the default) or Markdown, never cached on the way.
  router.get('/api/conversations/:conversationId/export', async (req, res) => {
    const id = parseOr400(conversationIdSchema, req.params.conversationId);
    const { format } = parseOr400(conversationExportQuerySchema, req.query);
    const exported = toConversationExport(...(await readConversation(deps.pool, id)), new Date());
    const json = format === 'json';
    const body = json ? JSON.stringify(exported satisfies ConversationExport, null, 2) : conversationMarkdown(exported);
    res.statusCode = 200;
    res.setHeader('Content-Type', json ? 'application/json; charset=utf-8' : 'text/markdown; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${exportFileName(exported, format)}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
  });

  router.delete('/api/conversations/:conversationId', async (req, res) => {
    const conversationId = parseOr400(conversationIdSchema, req.params.conversationId);
    const messageIds = await eraseConversation(deps.pool, conversationId);
    if (!messageIds) throw new HttpError(404, 'No conversation with that id.');
    // This instance's workers stop at once; every instance, this one too, hears the notice.
    for (const messageId of messageIds) deps.dispatcher.abort(messageId);
    deps.logger.info({ conversationId, messages: messageIds.length }, 'conversation deleted');
    res.status(204).end();
  });
}
