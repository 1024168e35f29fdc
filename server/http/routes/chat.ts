import type { IRouter } from 'express';
import { type AskResponse, type CancelResponse, messageIdSchema } from '../../../shared/rest.js';
import { cancelMessage, getMessage } from '../../db/messages.js';
import { HttpError } from '../../edge/http-error.js';
import { parseOr400 } from '../../edge/validate.js';
import { toMessageState } from '../../messages/message-state.js';
import type { Dispatcher } from '../../queue/dispatcher.js';
import type { SubmitDeps } from '../../queue/submit-question.js';
import { createAskQuestion } from '../ask-question.js';
import type { FinishedMessageCache } from '../finished-messages.js';
import { sendJson, sendJsonText } from '../json-response.js';

export interface ChatRouteDeps extends SubmitDeps {
  maxQuestionChars: number;
  dispatcher: Dispatcher;
  finished: FinishedMessageCache;
}

/** The questions' rate limit is a step of the chain before the routes (app.ts). */
export function chatRoutes(router: IRouter, deps: ChatRouteDeps): void {
  const askQuestion = createAskQuestion(deps);

  router.post('/api/chat', async (req, res) => {
    if (!req.is('application/json')) {
      throw new HttpError(415, 'Send the question as JSON (Content-Type: application/json).');
    }
    const { accepted, replayed } = await askQuestion(req.body, req.get('Idempotency-Key'));
    sendJson(res, 202, accepted satisfies AskResponse, replayed ? { 'Idempotent-Replayed': 'true' } : undefined);
  });

  router.get('/api/chat/:messageId', async (req, res) => {
    const messageId = parseOr400(messageIdSchema, req.params.messageId);
    const cached = deps.finished.get(messageId);
    if (cached !== undefined) {
      sendJsonText(res, 200, cached);
      return;
    }
    const row = await getMessage(deps.pool, messageId);
    if (!row) throw new HttpError(404, 'No message with that id.');
    const state = toMessageState(row);
    deps.finished.remember(messageId, state);
    sendJson(res, 200, state);
  });

  router.post('/api/chat/:messageId/cancel', async (req, res) => {
    const messageId = parseOr400(messageIdSchema, req.params.messageId);
    if (!(await cancelMessage(deps.pool, { id: messageId }))) {
      const row = await getMessage(deps.pool, messageId);
      if (!row) throw new HttpError(404, 'No message with that id.');
      throw new HttpError(
        409,
        `The message is already ${row.status}; only pending or processing messages can be cancelled.`,
      );
    }
    // If this instance is answering it, stop now (other instances hear the status event).
    deps.dispatcher.abort(messageId);
    sendJson(res, 200, { messageId, status: 'failed', error: 'cancelled', cancelled: true } satisfies CancelResponse);
  });
}
