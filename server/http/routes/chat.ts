import { Router } from 'express';
import { askRequestSchema, messageIdSchema } from '../../../shared/rest.js';
import { getMessage, insertMessage } from '../../db/messages.js';
import type { Pool } from '../../db/pool.js';
import type { Dispatcher } from '../../queue/dispatcher.js';
import { HttpError } from '../errors.js';
import { toMessageState } from '../message-state.js';
import { parseOr400 } from '../validate.js';

export interface ChatRouteDeps {
  pool: Pool;
  dispatcher: Dispatcher;
  instanceId: string;
  leaseMs: number;
  maxQuestionChars: number;
}

export function chatRoutes(deps: ChatRouteDeps): Router {
  const router = Router();
  const askSchema = askRequestSchema(deps.maxQuestionChars);

  router.post('/api/chat', async (req, res) => {
    if (!req.is('application/json'))
      throw new HttpError(415, 'Send the question as JSON (Content-Type: application/json).');
    const { question } = parseOr400(askSchema, req.body);
    if (deps.dispatcher.room === 0) {
      throw new HttpError(503, 'The queue is full; try again shortly.', { 'Retry-After': '5' });
    }
    const messageId = await insertMessage(deps.pool, { question, instanceId: deps.instanceId, leaseMs: deps.leaseMs });
    deps.dispatcher.enqueue(messageId);
    res.status(202).json({ messageId });
  });

  router.get('/api/chat/:messageId', async (req, res) => {
    const messageId = parseOr400(messageIdSchema, req.params.messageId);
    const row = await getMessage(deps.pool, messageId);
    if (!row) throw new HttpError(404, 'No message with that id.');
    res.json(toMessageState(row));
  });

  return router;
}
