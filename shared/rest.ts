import { z } from 'zod';
import { DEFAULT_MAX_QUESTION_CHARS } from './limits.js';
import { MESSAGE_STATUSES } from './status.js';

/** A message id is a UUID (any version PostgreSQL's gen_random_uuid() produces). */
export const messageIdSchema = z.uuid({ error: 'messageId must be a UUID' });

/** The question: a string, trimmed, 1..maxChars characters (counted as Unicode code points). */
function questionSchema(maxChars: number = DEFAULT_MAX_QUESTION_CHARS) {
  return (
    z
      .string({ error: (issue) => (issue.input === undefined ? 'question is required' : 'question must be a string') })
      .trim()
      .refine((q) => q.length > 0, { message: 'question must not be empty' })
      // PostgreSQL text cannot hold U+0000; refuse it here rather than fail the insert.
      .refine((q) => !q.includes('\u0000'), { message: 'question must not contain NUL characters' })
      .refine((q) => [...q].length <= maxChars, { message: `question must be at most ${maxChars} characters` })
  );
}

export const conversationIdSchema = z.uuid({ error: 'conversationId must be a UUID' });

/**
 * An idempotency key (the Idempotency-Key header of POST /api/chat, `idempotencyKey` of the
 * socket `ask`): 1..255 visible ASCII characters, as Stripe and the IETF draft allow.
 */
export function idempotencyKeySchema(name: string) {
  return z
    .string({ error: `${name} must be a string` })
    .regex(/^[\x21-\x7e]{1,255}$/, { error: `${name} must be 1 to 255 visible ASCII characters.` });
}

/**
 * POST /api/chat body. Unknown fields are ignored, as the original service did. Without a
 * conversationId a new conversation starts.
 */
export function askRequestSchema(maxChars: number = DEFAULT_MAX_QUESTION_CHARS) {
  return z.object(
    { question: questionSchema(maxChars), conversationId: conversationIdSchema.optional() },
    { error: 'The request body must be a JSON object like {"question": "..."}' },
  );
}
export type AskRequest = z.infer<ReturnType<typeof askRequestSchema>>;

/** Which triage layer flagged a message: the deterministic rules, or the model's second opinion. */
export const URGENT_SOURCES = ['rules', 'model'] as const;
export type UrgentSource = (typeof URGENT_SOURCES)[number];

/**
 * What the triage adds to a message that needs emergency care now: present (and true) only on
 * such messages, from the first event on (rules) or from a later status event (model).
 */
const urgencySchema = z.object({
  urgent: z.literal(true).optional(),
  urgentAdvice: z.string().optional(),
  urgentSource: z.enum(URGENT_SOURCES).optional(),
});

/*
 * The answers below are closed (strict): the tests parse every body with them, so a field the
 * server sends that is not here, or is misspelled, fails. A new field is added here first.
 */

/** 202 answer of POST /api/chat. */
export const askResponseSchema = z.strictObject({
  messageId: messageIdSchema,
  conversationId: conversationIdSchema,
  ...urgencySchema.shape,
});
export type AskResponse = z.infer<typeof askResponseSchema>;

/**
 * GET /api/chat/:messageId: the original four shapes ({status} while pending or processing,
 * {status, response} when completed, {status, error} when failed); extra optional fields may be added.
 */
export const messageStateSchema = z
  .strictObject({
    status: z.enum(MESSAGE_STATUSES),
    response: z.string().optional(),
    error: z.string().optional(),
    /** Present (true) when the message was cancelled; it is then `failed` with error "cancelled". */
    cancelled: z.literal(true).optional(),
    ...urgencySchema.shape,
  })
  .check((ctx) => {
    const { status, response, error } = ctx.value;
    if ((status === 'completed') !== (response !== undefined) || (status === 'failed') !== (error !== undefined)) {
      ctx.issues.push({ code: 'custom', message: `not one of the four shapes (${status})`, input: ctx.value });
    }
  });
export type MessageState = z.infer<typeof messageStateSchema>;

/** One message of GET /api/conversations/:id. */
const conversationMessageSchema = messageStateSchema.extend({
  messageId: messageIdSchema,
  question: z.string(),
  createdAt: z.iso.datetime(),
});

/** GET /api/conversations/:id: the messages in the order they were asked. */
export const conversationSchema = z.strictObject({
  conversationId: conversationIdSchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  messages: z.array(conversationMessageSchema),
});
export type Conversation = z.infer<typeof conversationSchema>;

/** POST /api/chat/:messageId/cancel → 200. */
export const cancelResponseSchema = z.strictObject({
  messageId: messageIdSchema,
  status: z.literal('failed'),
  error: z.literal('cancelled'),
  cancelled: z.literal(true),
});
export type CancelResponse = z.infer<typeof cancelResponseSchema>;

const count = z.number().int().nonnegative();

/** GET /api/statistics. All numbers; global across instances. */
export const statisticsSchema = z.strictObject({
  messagesProcessed: count,
  messagesSucceeded: count,
  messagesFailed: count,
  /** Of messagesFailed, those cancelled by the user. */
  messagesCancelled: count,
  totalRetries: count,
  averageProcessingTimeMs: z.number().nonnegative(),
  averageTokensPerMessage: z.number().nonnegative(),
  totalTokensUsed: count,
  activeWorkers: count,
  queueLength: count,
  maxWorkers: count,
  idleWorkers: count,
  /** succeeded / processed, from 0 to 1 (0 when nothing was processed yet). */
  successRate: z.number().min(0).max(1),
});
export type Statistics = z.infer<typeof statisticsSchema>;

/** GET /health. */
export const healthSchema = z.strictObject({
  status: z.enum(['ok', 'unavailable']),
  database: z.enum(['ok', 'unreachable']),
});
export type Health = z.infer<typeof healthSchema>;

/** Every error the API returns. */
export const errorBodySchema = z.strictObject({ error: z.string(), details: z.unknown().optional() });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The notice every export carries, as the app shows it above the chat. */
export const NOT_MEDICAL_ADVICE_NOTICE =
  'Not medical advice. MedChat gives general health information. In an emergency, call your local ' +
  'emergency number (such as 911, 112 or 999) now.';

/** GET /api/conversations/:id/export query: `format` is json (the default) or markdown; other fields are ignored. */
export const conversationExportQuerySchema = z.object({
  format: z.enum(['json', 'markdown'], { error: 'format must be "json" or "markdown"' }).default('json'),
});
export type ConversationExportFormat = z.infer<typeof conversationExportQuerySchema>['format'];

/** GET /api/conversations/:id/export?format=json: the whole conversation, as a file to keep. */
export const conversationExportSchema = conversationSchema.extend({
  /** Names this file's layout, for a program that reads it later. */
  format: z.literal('medchat.conversation.v1'),
  exportedAt: z.iso.datetime(),
  notice: z.string(),
  messages: z.array(
    conversationMessageSchema.extend({
      /** When it was answered, failed or stopped; absent while it is still waiting or being answered. */
      completedAt: z.iso.datetime().optional(),
    }),
  ),
});
export type ConversationExport = z.infer<typeof conversationExportSchema>;
