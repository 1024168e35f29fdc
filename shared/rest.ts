import { z } from 'zod';
import { DEFAULT_MAX_QUESTION_CHARS } from './limits.js';
import { MESSAGE_STATUSES } from './status.js';

/** A message id is a UUID (any version PostgreSQL's gen_random_uuid() produces). */
export const messageIdSchema = z.uuid({ error: 'messageId must be a UUID' });

/** The question: a string, trimmed, 1..maxChars characters (counted as Unicode code points). */
export function questionSchema(maxChars: number = DEFAULT_MAX_QUESTION_CHARS) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? 'question is required' : 'question must be a string') })
    .trim()
    .refine((q) => q.length > 0, { message: 'question must not be empty' })
    .refine((q) => [...q].length <= maxChars, { message: `question must be at most ${maxChars} characters` });
}

/** POST /api/chat body. Unknown fields are ignored, as the original service did. */
export function askRequestSchema(maxChars: number = DEFAULT_MAX_QUESTION_CHARS) {
  return z.object(
    { question: questionSchema(maxChars) },
    { error: 'The request body must be a JSON object like {"question": "..."}' },
  );
}
export type AskRequest = z.infer<ReturnType<typeof askRequestSchema>>;

/** 202 answer of POST /api/chat. */
export const askResponseSchema = z.object({ messageId: messageIdSchema });
export type AskResponse = z.infer<typeof askResponseSchema>;

/** GET /api/chat/:messageId: the original four shapes; extra optional fields may be added. */
export const messageStateSchema = z.object({
  status: z.enum(MESSAGE_STATUSES),
  response: z.string().optional(),
  error: z.string().optional(),
});
export type MessageState = z.infer<typeof messageStateSchema>;

/** GET /api/statistics. All numbers; global across instances. */
export const statisticsSchema = z.object({
  messagesProcessed: z.number(),
  messagesSucceeded: z.number(),
  messagesFailed: z.number(),
  totalRetries: z.number(),
  averageProcessingTimeMs: z.number(),
  averageTokensPerMessage: z.number(),
  totalTokensUsed: z.number(),
  activeWorkers: z.number(),
  queueLength: z.number(),
  maxWorkers: z.number(),
  idleWorkers: z.number(),
  /** succeeded / processed, from 0 to 1 (0 when nothing was processed yet). */
  successRate: z.number(),
});
export type Statistics = z.infer<typeof statisticsSchema>;

/** GET /health. */
export const healthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  database: z.enum(['ok', 'unreachable']),
});
export type Health = z.infer<typeof healthSchema>;

/** Every error the API returns. */
export const errorBodySchema = z.object({ error: z.string(), details: z.unknown().optional() });
export type ErrorBody = z.infer<typeof errorBodySchema>;
