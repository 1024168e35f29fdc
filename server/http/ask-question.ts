/**
 * What POST /api/chat does with a parsed body: validate the question and the Idempotency-Key
 * header, submit, and turn submit's refusals into HTTP errors (nothing is written for any of them).
 */
import { askRequestSchema, idempotencyKeySchema } from '../../shared/rest.js';
import { HttpError } from '../edge/http-error.js';
import { parseOr400 } from '../edge/validate.js';
import {
  ConversationNotFoundError,
  IdempotencyKeyReusedError,
  QueueFullError,
  type SubmitDeps,
  type SubmittedMessage,
  submitQuestion,
} from '../queue/submit-question.js';

export interface AskedQuestion {
  /** The 202's body. */
  accepted: Omit<SubmittedMessage, 'replayed'>;
  /** An earlier request with the same Idempotency-Key created it (header Idempotent-Replayed). */
  replayed: boolean;
}

export type AskQuestion = (body: unknown, idempotencyKeyHeader: string | undefined) => Promise<AskedQuestion>;

const idempotencyKeyHeaderSchema = idempotencyKeySchema('Idempotency-Key').optional();

/** Throws HttpError (400, 404, 422, 503) for what the client can act on; anything else is a fault. */
export function createAskQuestion(deps: SubmitDeps & { maxQuestionChars: number }): AskQuestion {
  const askSchema = askRequestSchema(deps.maxQuestionChars);
  return async (body, idempotencyKeyHeader) => {
    const { question, conversationId } = parseOr400(askSchema, body);
    const idempotencyKey = parseOr400(idempotencyKeyHeaderSchema, idempotencyKeyHeader);
    try {
      const { replayed, ...accepted } = await submitQuestion(deps, { question, conversationId, idempotencyKey });
      return { accepted, replayed };
    } catch (error) {
      if (error instanceof QueueFullError) throw new HttpError(503, error.message, { 'Retry-After': '5' });
      if (error instanceof ConversationNotFoundError) throw new HttpError(404, error.message);
      if (error instanceof IdempotencyKeyReusedError) throw new HttpError(422, error.message);
      throw error;
    }
  };
}
