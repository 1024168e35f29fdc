import { z } from 'zod';
import { DEFAULT_MAX_QUESTION_CHARS } from './limits.js';
import { conversationIdSchema, messageIdSchema, questionSchema, type Statistics, urgencySchema } from './rest.js';
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

export function askPayloadSchema(maxChars: number = DEFAULT_MAX_QUESTION_CHARS) {
  return z.object(
    {
      question: questionSchema(maxChars),
      conversationId: z.uuid({ error: 'conversationId must be a UUID' }).optional(),
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

export type AskAck =
  | { messageId: string; conversationId: string; urgent?: true; urgentAdvice?: string }
  | { error: string };
export type SubscribeAck = { message: MessageStatusEvent } | { error: string };
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
