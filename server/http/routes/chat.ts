import { Router } from 'express';
import { messageIdSchema } from '../../../shared/rest.js';
import { cancelMessage, getMessage } from '../../db/messages.js';
import type { Dispatcher } from '../../queue/dispatcher.js';
import type { SubmitDeps } from '../../queue/submit-question.js';
import { createAskQuestion } from '../ask-question.js';
import { HttpError } from '../errors.js';
import type { FinishedMessageCache } from '../finished-messages.js';
import { toMessageState } from '../message-state.js';
import { limitQuestions, type QuestionRateLimiter } from '../rate-limit.js';
import { parseOr400 } from '../validate.js';

export interface ChatRouteDeps extends SubmitDeps {
  maxQuestionChars: number;
  dispatcher: Dispatcher;
  rateLimiter: QuestionRateLimiter;
  finished: FinishedMessageCache;
}

export function chatRoutes(deps: ChatRouteDeps): Router {
  const router = Router();
  const askQuestion = createAskQuestion(deps);

  router.post('/api/chat', limitQuestions(deps.rateLimiter), async (req, res) => {
    if (!req.is('application/json')) {
      throw new HttpError(415, 'Send the question as JSON (Content-Type: application/json).');
    }
    const { accepted, replayed } = await askQuestion(req.body, req.get('Idempotency-Key'));
    if (replayed) res.set('Idempotent-Replayed', 'true');
    res.status(202).json(accepted);
  });

  router.get('/api/chat/:messageId', async (req, res) => {
    const messageId = parseOr400(messageIdSchema, req.params.messageId);
    const cached = deps.finished.get(messageId);
    if (cached !== undefined) {
      res.type('json').send(cached);
      return;
    }
    const row = await getMessage(deps.pool, messageId);
    if (!row) throw new HttpError(404, 'No message with that id.');
    const state = toMessageState(row);
    deps.finished.remember(messageId, state);
    res.json(state);
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
    res.json({ messageId, status: 'failed', error: 'cancelled', cancelled: true });
  });

  return router;
}
