import { z } from 'zod';
import { DEFAULT_MAX_QUESTION_CHARS } from './limits.js';
import {
  askRequestSchema,
  askResponseSchema,
  conversationIdSchema,
  idempotencyKeySchema,
  messageIdSchema,
  messageStateSchema,
  statisticsSchema,
} from './rest.js';

/** A status change, pushed to subscribers of a message and to /monitor: its REST state, and whose it is. */
const messageStatusEventSchema = messageStateSchema.extend({
  messageId: messageIdSchema,
  conversationId: conversationIdSchema.optional(),
});
export type MessageStatusEvent = z.infer<typeof messageStatusEventSchema>;

/**
 * A piece of the answer as the provider writes it. `seq` starts at 0 for every attempt and has
 * no gaps; `attempt` changes when a failed attempt is retried from the start, and the first
 * delta of a new attempt carries `restart: true` so a client drops the text it had.
 */
export const messageDeltaEventSchema = z.strictObject({
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
const partialAnswerSchema = z.strictObject({
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
const messageCurrentStateSchema = messageStatusEventSchema.extend({ partial: partialAnswerSchema.optional() });
export type MessageCurrentState = z.infer<typeof messageCurrentStateSchema>;

/** The socket `ask`: the REST body, plus the idempotency key REST takes as a header. Unknown fields are ignored. */
export function askPayloadSchema(maxChars: number = DEFAULT_MAX_QUESTION_CHARS) {
  return z.object(
    {
      ...askRequestSchema(maxChars).shape,
      /** Same key within 24 h (also over REST's Idempotency-Key) → the same message, nothing written. */
      idempotencyKey: idempotencyKeySchema('idempotencyKey').optional(),
    },
    { error: 'The payload must be an object like {"question": "..."}' },
  );
}

export const subscribePayloadSchema = z.object(
  { messageId: messageIdSchema },
  { error: 'The payload must be an object like {"messageId": "<uuid>"}' },
);

/** Every refused socket request is answered with this ack. */
const errorAckSchema = z.strictObject({ error: z.string() });

/**
 * The acks, by event. `replayed`: an earlier request with the same idempotency key created the
 * message; the socket is subscribed from now on, so send `subscribe` for what happened before.
 */
export const ackSchemas = {
  ask: z.union([askResponseSchema.extend({ replayed: z.literal(true).optional() }), errorAckSchema]),
  subscribe: z.union([z.strictObject({ message: messageCurrentStateSchema }), errorAckSchema]),
  unsubscribe: z.union([z.strictObject({ ok: z.literal(true) }), errorAckSchema]),
};
export type AskAck = z.infer<typeof ackSchemas.ask>;
export type SubscribeAck = z.infer<typeof ackSchemas.subscribe>;
export type UnsubscribeAck = z.infer<typeof ackSchemas.unsubscribe>;

/**
 * A conversation was deleted (DELETE /api/conversations/:id): sent to every socket that
 * follows one of its messages, and as the last event of its messages' SSE streams.
 */
export const conversationDeletedEventSchema = z.strictObject({ conversationId: conversationIdSchema });
export type ConversationDeletedEvent = z.infer<typeof conversationDeletedEventSchema>;

/** Default namespace `/`: what the server sends, by event name. */
export const serverEventSchemas = {
  'message:status': messageStatusEventSchema,
  'message:delta': messageDeltaEventSchema,
  'conversation:deleted': conversationDeletedEventSchema,
};
/** Namespace `/monitor`: what the server sends (clients send nothing). */
export const monitorEventSchemas = {
  stats: statisticsSchema,
  'message:status': messageStatusEventSchema,
};

/** Socket.IO's typed event map of a schema map: one listener argument, the event. */
type Listeners<Schemas extends Record<string, z.ZodType>> = {
  [Event in keyof Schemas]: (event: z.infer<Schemas[Event]>) => void;
};
export type ServerToClientEvents = Listeners<typeof serverEventSchemas>;
export type MonitorServerToClientEvents = Listeners<typeof monitorEventSchemas>;

/**
 * Server-Sent Events, by event name: `status` and `delta` on GET /api/chat/:messageId/events (the
 * first `status` is the current state, with the text so far while it is being answered; `deleted`
 * when its conversation is deleted, and the stream ends), `stats` on GET /api/statistics/stream.
 */
export const sseEventSchemas = {
  status: messageCurrentStateSchema,
  delta: messageDeltaEventSchema,
  deleted: conversationDeletedEventSchema,
  stats: statisticsSchema,
};
export type SseEvents = { [Event in keyof typeof sseEventSchemas]: z.infer<(typeof sseEventSchemas)[Event]> };

/** Default namespace `/`: events a client sends. Acks are optional for subscribe/unsubscribe. */
export interface ClientToServerEvents {
  ask: (payload: z.input<ReturnType<typeof askPayloadSchema>>, ack: (answer: AskAck) => void) => void;
  subscribe: (payload: z.input<typeof subscribePayloadSchema>, ack?: (answer: SubscribeAck) => void) => void;
  unsubscribe: (payload: z.input<typeof subscribePayloadSchema>, ack?: (answer: UnsubscribeAck) => void) => void;
}
// biome-ignore lint/complexity/noBannedTypes: socket.io's typed maps want an empty object for "no events".
export type MonitorClientToServerEvents = {};

export { MONITOR_NAMESPACE, messageRoom } from './socket-names.js';
