/**
 * Socket.IO: the default namespace lets a client ask and follow messages (one room per message);
 * /monitor receives the statistics and every status change. Events reach only this instance's
 * sockets (`local`): every instance relays what its own listener hears.
 */
import type http from 'node:http';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import type { Statistics } from '../../shared/rest.js';
import {
  type AskAck,
  askPayloadSchema,
  type ClientToServerEvents,
  type MessageCurrentState,
  type MessageDeltaEvent,
  type MessageStatusEvent,
  MONITOR_NAMESPACE,
  type MonitorClientToServerEvents,
  type MonitorServerToClientEvents,
  messageRoom,
  type ServerToClientEvents,
  type SubscribeAck,
  subscribePayloadSchema,
  type UnsubscribeAck,
} from '../../shared/socket-events.js';
import { isTerminal } from '../../shared/status.js';
import { getMessage } from '../db/messages.js';
import type { Pool } from '../db/pool.js';
import { type Tokens, tokenMatches, tokenOf } from '../http/auth.js';
import { toStatusEvent } from '../http/message-state.js';
import { originAllowed } from '../http/origins.js';
import type { QuestionRateLimiter } from '../http/rate-limit.js';
import {
  ConversationNotFoundError,
  IdempotencyKeyReusedError,
  QueueFullError,
  type SubmitDeps,
  submitQuestion,
} from '../queue/submit-question.js';
import { FinishedAudience } from './finished-audience.js';
import { type PartialAnswers, withPartialAnswer } from './partial-answers.js';
import type { RelayTarget } from './relay.js';
import type { StatsAudience, StatsBroadcaster } from './stats-broadcaster.js';

/** A socket may follow this many messages at once; bounds the memory one client can take. */
const MAX_SUBSCRIPTIONS_PER_SOCKET = 1000;
/** Largest socket packet accepted (questions are at most a few KiB). */
const MAX_PACKET_BYTES = 100_000;
const ROOM_PREFIX = messageRoom('');

type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents>;
type Ack<T> = (answer: T) => void;

export interface SocketServerDeps {
  httpServer: http.Server;
  pool: Pool;
  submit: SubmitDeps;
  stats: StatsBroadcaster;
  maxQuestionChars: number;
  logger: Logger;
  tokens: Tokens;
  rateLimiter: QuestionRateLimiter;
  clientAddress: (req: http.IncomingMessage) => string;
  corsOrigins: string[];
  /** The text so far of messages being answered, for the subscribe ack. */
  partialAnswers: PartialAnswers;
}

export interface SocketServer extends RelayTarget {
  readonly io: Server<ClientToServerEvents, ServerToClientEvents>;
  readonly monitorAudience: StatsAudience;
  close(): Promise<void>;
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

function firstIssue(error: { issues: Array<{ message: string; path: PropertyKey[] }> }): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid payload';
  const field = issue.path.join('.');
  return field && !issue.message.includes(field) ? `${field}: ${issue.message}` : issue.message;
}

export function attachSocketServer(deps: SocketServerDeps): SocketServer {
  const { logger } = deps;
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(deps.httpServer, {
    serveClient: false,
    maxHttpBufferSize: MAX_PACKET_BYTES,
    cors: { origin: deps.corsOrigins, allowedHeaders: ['Authorization'] },
    // WebSockets are not covered by CORS: refuse handshakes from other sites' pages ourselves.
    allowRequest: (req, callback) => callback(null, originAllowed(req, deps.corsOrigins)),
  });
  const monitor = io.of(MONITOR_NAMESPACE) as unknown as import('socket.io').Namespace<
    MonitorClientToServerEvents,
    MonitorServerToClientEvents
  >;
  const askSchema = askPayloadSchema(deps.maxQuestionChars);

  // Tokens: `auth: { token }` in the client's options, or an Authorization header.
  const requireToken = (token: string | undefined) => (socket: Socket, next: (error?: Error) => void) => {
    const given =
      typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : tokenOf(socket.request);
    if (token === undefined || tokenMatches(token, given)) return next();
    next(new Error('unauthorized: a valid token is required'));
  };
  io.use(requireToken(deps.tokens.apiToken));
  monitor.use(requireToken(deps.tokens.monitorToken ?? deps.tokens.apiToken));

  const subscriptionCount = (socket: ChatSocket) => {
    let count = 0;
    for (const room of socket.rooms) if (room.startsWith(ROOM_PREFIX)) count++;
    return count;
  };

  /** Runs a handler; any failure becomes an error ack, never a crash or a disconnect. */
  const guarded =
    <T extends object>(name: string, handler: (payload: unknown, socket: ChatSocket) => Promise<T>) =>
    (socket: ChatSocket) =>
    (...args: unknown[]) => {
      const { payload, ack } = payloadAndAck<T | { error: string }>(args);
      handler(payload, socket).then(
        (answer) => ack?.(answer),
        (error: unknown) => {
          logger.warn({ err: error, event: name, socketId: socket.id }, 'socket handler failed');
          ack?.({ error: 'Internal server error.' });
        },
      );
    };

  const ask = guarded<AskAck>('ask', async (payload, socket) => {
    const parsed = askSchema.safeParse(payload);
    if (!parsed.success) return { error: firstIssue(parsed.error) };
    if (subscriptionCount(socket) >= MAX_SUBSCRIPTIONS_PER_SOCKET) return { error: 'Too many subscriptions.' };
    const wait = await deps.rateLimiter.take(deps.clientAddress(socket.request));
    if (wait > 0) return { error: `Too many questions; try again in ${wait} s.` };
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
      await follow(socket, submitted.messageId);
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
  });

  /**
   * Subscribes between their join and their read, per message. The read may be taken just before
   * a commit whose event reaches the socket first; a final state heard meanwhile wins over it.
   */
  const joining = new Map<string, { count: number; finished?: MessageStatusEvent }>();

  /**
   * Joins the message's room, then reads its current state: no event is missed in between. The
   * text so far is taken last, so every delta sent to the socket before the answer is in it.
   */
  const joinAndRead = async (socket: ChatSocket, messageId: string): Promise<MessageCurrentState | null> => {
    const entry = joining.get(messageId) ?? { count: 0 };
    joining.set(messageId, entry);
    entry.count += 1;
    try {
      await socket.join(messageRoom(messageId));
      const row = await getMessage(deps.pool, messageId);
      return row && withPartialAnswer(entry.finished ?? toStatusEvent(row), deps.partialAnswers);
    } finally {
      entry.count -= 1;
      if (entry.count === 0) joining.delete(messageId);
    }
  };

  /** Subscribes the socket and answers the current state; keeps no subscription that ends now. */
  const follow = async (socket: ChatSocket, messageId: string): Promise<MessageCurrentState | null> => {
    const room = messageRoom(messageId);
    const alreadyIn = socket.rooms.has(room);
    let message: MessageCurrentState | null;
    try {
      message = await joinAndRead(socket, messageId);
    } catch (error) {
      if (!alreadyIn) await socket.leave(room);
      throw error;
    }
    // Unknown, or finished (nothing follows a final state): no reason to stay in the room.
    if (!message || isTerminal(message.status)) await socket.leave(room);
    return message;
  };

  const subscribe = guarded<SubscribeAck>('subscribe', async (payload, socket) => {
    const parsed = subscribePayloadSchema.safeParse(payload);
    if (!parsed.success) return { error: firstIssue(parsed.error) };
    const room = messageRoom(parsed.data.messageId);
    if (!socket.rooms.has(room) && subscriptionCount(socket) >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
      return { error: 'Too many subscriptions.' };
    }
    const message = await follow(socket, parsed.data.messageId);
    return message ? { message } : { error: 'No message with that id.' };
  });

  const unsubscribe = guarded<UnsubscribeAck>('unsubscribe', async (payload, socket) => {
    const parsed = subscribePayloadSchema.safeParse(payload);
    if (!parsed.success) return { error: firstIssue(parsed.error) };
    await socket.leave(messageRoom(parsed.data.messageId));
    return { ok: true };
  });

  io.on('connection', (socket) => {
    socket.on('ask', ask(socket));
    socket.on('subscribe', subscribe(socket));
    socket.on('unsubscribe', unsubscribe(socket));
  });

  monitor.on('connection', (socket) => {
    deps.stats.read().then(
      (stats) => socket.emit('stats', stats),
      (error: unknown) => logger.warn({ err: error }, 'could not read statistics for a monitor'),
    );
  });

  const finishedAudience = new FinishedAudience();
  return {
    io,
    monitorAudience: {
      size: () => monitor.sockets.size,
      send: (stats: Statistics) => monitor.local.emit('stats', stats),
    },
    status(event: MessageStatusEvent) {
      const room = messageRoom(event.messageId);
      const lateFlag = isTerminal(event.status) && event.urgent ? finishedAudience.take(event.messageId) : [];
      io.local.to([room, ...lateFlag]).emit('message:status', event);
      monitor.local.emit('message:status', event);
      if (isTerminal(event.status)) {
        const entry = joining.get(event.messageId);
        if (entry) entry.finished = event;
        if (!event.urgent) finishedAudience.remember(event.messageId, io.of('/').adapter.rooms.get(room) ?? []);
        // Nothing follows a final state: the subscriptions end here, so finished messages do not
        // pile up (memory, the per-socket limit, the re-send after a listener reconnect).
        io.local.in(room).socketsLeave(room);
      }
    },
    delta(event: MessageDeltaEvent) {
      io.local.to(messageRoom(event.messageId)).emit('message:delta', event);
    },
    *watchedMessageIds() {
      for (const room of io.of('/').adapter.rooms.keys()) {
        if (room.startsWith(ROOM_PREFIX)) yield room.slice(ROOM_PREFIX.length);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        io.close(() => resolve());
      }),
  };
}
