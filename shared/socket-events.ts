import { z } from 'zod';
import { DEFAULT_MAX_QUESTION_CHARS } from './limits.js';
import {
  conversationIdSchema,
  idempotencyKeySchema,
  messageIdSchema,
  questionSchema,
  type Statistics,
  urgencySchema,
} from './rest.js';
import { MESSAGE_STATUSES } from './status.js';

/** A status change, pushed to subscribers of a message and to /monitor. */
export const messageStatusEventSchema = z.object({
  messageId: messageIdSchema,
  status: z.enum(MESSAGE_STATUSES),
  response: z.string().optional(),
  error: z.string().optional(),
  conversationId: conversationIdSchema.optional(),
  cancelled: z.literal(true).optional(),
  ...urgencySchema.shape,
});
export type MessageStatusEvent = z.infer<typeof messageStatusEventSchema>;

/**
 * A piece of the answer as the provider writes it. `seq` starts at 0 for every attempt and has
 * no gaps; `attempt` changes when a failed attempt is retried from the start, and the first
 * delta of a new attempt carries `restart: true` so a client drops the text it had.
 */
export const messageDeltaEventSchema = z.object({
  messageId: messageIdSchema,
  seq: z.number().int().nonnegative(),
  text: z.string(),
  attempt: z.number().int().positive().optional(),
  restart: z.boolean().optional(),
});
export type MessageDeltaEvent = z.infer<typeof messageDeltaEventSchema>;

/**
 * The answer written so far, for a client that joins mid-answer: the text of deltas 0..seq-1 of
 * `attempt`. `seq` is the next delta to apply; deltas of this attempt below it are already in
 * `text` (ignore them), and a later attempt replaces it as usual (`restart`).
 */
export const partialAnswerSchema = z.object({
  attempt: z.number().int().positive(),
  seq: z.number().int().nonnegative(),
  text: z.string(),
});
export type PartialAnswer = z.infer<typeof partialAnswerSchema>;

/**
 * A message's current state, as the `subscribe` ack and the first SSE `status` event give it:
 * a status event, plus the text so far while it is being answered (when this instance heard the
 * whole of the current attempt; else absent, and the final status brings the answer).
 */
export const messageCurrentStateSchema = messageStatusEventSchema.extend({ partial: partialAnswerSchema.optional() });
export type MessageCurrentState = z.infer<typeof messageCurrentStateSchema>;

export function askPayloadSchema(maxChars: number = DEFAULT_MAX_QUESTION_CHARS) {
  return z.object(
    {
      question: questionSchema(maxChars),
      conversationId: z.uuid({ error: 'conversationId must be a UUID' }).optional(),
      /** Same key within 24 h (also over REST's Idempotency-Key) → the same message, nothing written. */
      idempotencyKey: idempotencyKeySchema('idempotencyKey').optional(),
    },
    { error: 'The payload must be an object like {"question": "..."}' },
  );
}
export type AskPayload = z.infer<ReturnType<typeof askPayloadSchema>>;

export const subscribePayloadSchema = z.object(
  { messageId: messageIdSchema },
  { error: 'The payload must be an object like {"messageId": "<uuid>"}' },
);
export type SubscribePayload = z.infer<typeof subscribePayloadSchema>;

/**
 * `replayed`: an earlier request with the same idempotency key created the message; the socket is
 * subscribed from now on, so send `subscribe` for what happened before.
 */
export type AskAck =
  | { messageId: string; conversationId: string; urgent?: true; urgentAdvice?: string; replayed?: true }
  | { error: string };
export type SubscribeAck = { message: MessageCurrentState } | { error: string };
export type UnsubscribeAck = { ok: true } | { error: string };

/** Default namespace `/`: events the server sends. */
export interface ServerToClientEvents {
  'message:status': (event: MessageStatusEvent) => void;
  'message:delta': (event: MessageDeltaEvent) => void;
}

/** Default namespace `/`: events a client sends. Acks are optional for subscribe/unsubscribe. */
export interface ClientToServerEvents {
  ask: (payload: AskPayload, ack: (answer: AskAck) => void) => void;
  subscribe: (payload: SubscribePayload, ack?: (answer: SubscribeAck) => void) => void;
  unsubscribe: (payload: SubscribePayload, ack?: (answer: UnsubscribeAck) => void) => void;
}

/** Namespace `/monitor`: events the server sends (clients send nothing). */
export interface MonitorServerToClientEvents {
  stats: (stats: Statistics) => void;
  'message:status': (event: MessageStatusEvent) => void;
}
// biome-ignore lint/complexity/noBannedTypes: socket.io's typed maps want an empty object for "no events".
export type MonitorClientToServerEvents = {};

export { MONITOR_NAMESPACE, messageRoom } from './socket-names.js';
