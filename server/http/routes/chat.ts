import { Router } from 'express';
import { askRequestSchema, messageIdSchema } from '../../../shared/rest.js';
import { getMessage } from '../../db/messages.js';
import { QueueFullError, type SubmitDeps, submitQuestion } from '../../queue/submit-question.js';
import { HttpError } from '../errors.js';
import { toMessageState } from '../message-state.js';
import { parseOr400 } from '../validate.js';

export interface ChatRouteDeps extends SubmitDeps {
  maxQuestionChars: number;
}

export function chatRoutes(deps: ChatRouteDeps): Router {
  const router = Router();
  const askSchema = askRequestSchema(deps.maxQuestionChars);

  router.post('/api/chat', async (req, res) => {
    if (!req.is('application/json'))
      throw new HttpError(415, 'Send the question as JSON (Content-Type: application/json).');
    const { question } = parseOr400(askSchema, req.body);
    try {
      const messageId = await submitQuestion(deps, { question });
      res.status(202).json({ messageId });
    } catch (error) {
      if (error instanceof QueueFullError) throw new HttpError(503, error.message, { 'Retry-After': '5' });
      throw error;
    }
  });

  router.get('/api/chat/:messageId', async (req, res) => {
    const messageId = parseOr400(messageIdSchema, req.params.messageId);
    const row = await getMessage(deps.pool, messageId);
    if (!row) throw new HttpError(404, 'No message with that id.');
    res.json(toMessageState(row));
  });

  return router;
}
