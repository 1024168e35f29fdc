/**
 * What a client of the default namespace may do: ask (and follow the answer), subscribe to a
 * message, unsubscribe. Each request is admitted by the socket's limits first (socket-limits.ts);
 * payloads are validated; every outcome is an ack, never a crash. Only a socket that keeps
 * flooding past its refusals is disconnected.
 */
import type http from 'node:http';
import {
  type AskAck,
  askPayloadSchema,
  messageRoom,
  type SubscribeAck,
  subscribePayloadSchema,
  type UnsubscribeAck,
} from '../../shared/socket-events.js';
import { type QuestionRateLimiter, tooManyQuestionsMessage } from '../access/rate-limit.js';
import { firstIssue } from '../edge/validate.js';
import {
  ConversationNotFoundError,
  IdempotencyKeyReusedError,
  QueueFullError,
  type SubmitDeps,
  submitQuestion,
} from '../queue/submit-question.js';
import { RequestRefused, type SocketLimits } from './socket-limits.js';
import type { SocketRefusalLog } from './socket-refusal-log.js';
import type { ChatSocket, MessageSubscriptions } from './socket-subscriptions.js';
import { coalesceWrites } from './socket-write-coalescing.js';

/** A socket may follow this many messages at once; bounds the memory one client can take. */
const MAX_SUBSCRIPTIONS_PER_SOCKET = 1000;

type Ack<T> = (answer: T) => void;

export interface ChatHandlerDeps {
  submit: SubmitDeps;
  maxQuestionChars: number;
  rateLimiter: QuestionRateLimiter;
  clientAddress: (req: http.IncomingMessage) => string;
  subscriptions: MessageSubscriptions;
  limits: SocketLimits;
  refusals: SocketRefusalLog;
}

/**
 * Socket.IO hands handlers whatever the client sent: the payload may be missing or of any type,
 * and the ack may be absent. This splits the arguments safely.
 */
function payloadAndAck<T>(args: unknown[]): { payload: unknown; ack: Ack<T> | undefined } {
  const last = args.at(-1);
  const ack = typeof last === 'function' ? (last as Ack<T>) : undefined;
  return { payload: ack ? args.slice(0, -1)[0] : args[0], ack };
}

/** The handlers for one socket of the default namespace. */
export function chatHandlers(deps: ChatHandlerDeps): (socket: ChatSocket) => void {
  const { subscriptions, limits, refusals } = deps;
  /**
   * Runs a handler if the socket's limits admit it (else refuses at once); any failure becomes an
   * error ack, never a crash. Refusals and failures reach the log summarised (socket-refusal-log.ts).
   */
  const guarded =
    <T extends object>(
      name: string,
      handler: (payload: unknown, socket: ChatSocket) => Promise<T>,
      options = { usesDatabase: true },
    ) =>
    (socket: ChatSocket) =>
    (...args: unknown[]) => {
      const { payload, ack } = payloadAndAck<T | { error: string }>(args);
      const refusal = limits.admit(socket, name, options.usesDatabase);
      if (refusal !== undefined) {
        ack?.({ error: refusal });
        return;
      }
      handler(payload, socket)
        .then(
          (answer) => ack?.(answer),
          (error: unknown) => {
            if (error instanceof RequestRefused) refusals.refused(name, socket.id);
            else refusals.failed(name, socket.id, error);
            ack?.({ error: error instanceof RequestRefused ? error.message : 'Internal server error.' });
          },
        )
        .finally(() => {
          if (options.usesDatabase) limits.release(socket);
        });
    };

  const ask = guarded<AskAck>('ask', askHandler(deps));

  const subscribe = guarded<SubscribeAck>('subscribe', async (payload, socket) => {
    const parsed = subscribePayloadSchema.safeParse(payload);
    if (!parsed.success) return { error: firstIssue(parsed.error, 'invalid payload') };
    const room = messageRoom(parsed.data.messageId);
    if (!socket.rooms.has(room) && subscriptions.count(socket) >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
      return { error: 'Too many subscriptions.' };
    }
    const message = await subscriptions.follow(socket, parsed.data.messageId);
    return message ? { message } : { error: 'No message with that id.' };
  });

  const unsubscribe = guarded<UnsubscribeAck>(
    'unsubscribe',
    async (payload, socket) => {
      const parsed = subscribePayloadSchema.safeParse(payload);
      if (!parsed.success) return { error: firstIssue(parsed.error, 'invalid payload') };
      await socket.leave(messageRoom(parsed.data.messageId));
      return { ok: true };
    },
    { usesDatabase: false },
  );

  return (socket) => {
    coalesceWrites(socket);
    socket.on('ask', ask(socket));
    socket.on('subscribe', subscribe(socket));
    socket.on('unsubscribe', unsubscribe(socket));
  };
}

/** ask: the question is written and its room joined before it exists, so no event is missed. */
function askHandler(deps: ChatHandlerDeps): (payload: unknown, socket: ChatSocket) => Promise<AskAck> {
  const askSchema = askPayloadSchema(deps.maxQuestionChars);
  const { subscriptions } = deps;
  return async (payload, socket) => {
    const parsed = askSchema.safeParse(payload);
    if (!parsed.success) return { error: firstIssue(parsed.error, 'invalid payload') };
    if (subscriptions.count(socket) >= MAX_SUBSCRIPTIONS_PER_SOCKET) return { error: 'Too many subscriptions.' };
    const wait = await deps.rateLimiter.take(deps.clientAddress(socket.request));
    if (wait > 0) return { error: tooManyQuestionsMessage(wait) };
    let joined: string | undefined;
    try {
      const { replayed, ...submitted } = await submitQuestion(deps.submit, {
        question: parsed.data.question,
        conversationId: parsed.data.conversationId,
        idempotencyKey: parsed.data.idempotencyKey,
        beforeInsert: async (id) => {
          joined = messageRoom(id);
          await socket.join(joined);
        },
      });
      if (!replayed) return submitted;
      // An earlier request made the message: follow it from now on (the client subscribes for
      // what came before), and not the one this request would have made.
      if (joined) await socket.leave(joined);
      await subscriptions.follow(socket, submitted.messageId);
      return { ...submitted, replayed: true as const };
    } catch (error) {
      if (joined) await socket.leave(joined);
      if (
        error instanceof QueueFullError ||
        error instanceof ConversationNotFoundError ||
        error instanceof IdempotencyKeyReusedError
      )
        return { error: error.message };
      throw error;
    }
  };
}
