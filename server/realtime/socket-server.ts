/**
 * Socket.IO: the default namespace lets a client ask and follow messages (one room per message);
 * /monitor receives the statistics and every status change. Events reach only this instance's
 * sockets (`local`): every instance relays what its own listener hears.
 */
import type http from 'node:http';
import type { Logger } from 'pino';
import { type Namespace, Server, type Socket } from 'socket.io';
import type { Statistics } from '../../shared/rest.js';
import {
  type ClientToServerEvents,
  type MessageDeltaEvent,
  type MessageStatusEvent,
  MONITOR_NAMESPACE,
  type MonitorClientToServerEvents,
  type MonitorServerToClientEvents,
  messageRoom,
  type ServerToClientEvents,
} from '../../shared/socket-events.js';
import { isTerminal } from '../../shared/status.js';
import { originAllowed } from '../access/origins.js';
import type { QuestionRateLimiter } from '../access/rate-limit.js';
import { type Tokens, tokenMatches, tokenOf } from '../access/tokens.js';
import type { Pool } from '../db/pool.js';
import type { RelayTarget } from '../messages/relay-target.js';
import type { SubmitDeps } from '../queue/submit-question.js';
import { FinishedAudience } from './finished-audience.js';
import type { PartialAnswers } from './partial-answers.js';
import { chatHandlers } from './socket-handlers.js';
import { type SocketLimitSettings, SocketLimits } from './socket-limits.js';
import { SocketRefusalLog } from './socket-refusal-log.js';
import { MessageSubscriptions, ROOM_PREFIX } from './socket-subscriptions.js';
import type { StatsAudience, StatsBroadcaster } from './stats-broadcaster.js';

/** Largest socket packet accepted (questions are at most a few KiB). */
const MAX_PACKET_BYTES = 100_000;

type ChatServer = Server<ClientToServerEvents, ServerToClientEvents>;
type MonitorNamespace = Namespace<MonitorClientToServerEvents, MonitorServerToClientEvents>;

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
  /** Requests one socket may have under way, and per second. */
  socketLimits: SocketLimitSettings;
}

export interface SocketServer extends RelayTarget {
  readonly io: ChatServer;
  readonly monitorAudience: StatsAudience;
  close(): Promise<void>;
}

export function attachSocketServer(deps: SocketServerDeps): SocketServer {
  const io: ChatServer = new Server(deps.httpServer, {
    serveClient: false,
    maxHttpBufferSize: MAX_PACKET_BYTES,
    cors: { origin: deps.corsOrigins, allowedHeaders: ['Authorization'] },
    // WebSockets are not covered by CORS: refuse handshakes from other sites' pages ourselves.
    allowRequest: (req, callback) => callback(null, originAllowed(req, deps.corsOrigins)),
  });
  const monitor = io.of(MONITOR_NAMESPACE) as unknown as MonitorNamespace;
  io.use(requireToken(deps.tokens.apiToken));
  monitor.use(requireToken(deps.tokens.monitorToken ?? deps.tokens.apiToken));
  const subscriptions = new MessageSubscriptions(deps);
  const refusals = new SocketRefusalLog(deps.logger);
  const limits = new SocketLimits(deps.socketLimits, refusals);
  io.on('connection', chatHandlers({ ...deps, subscriptions, limits, refusals }));
  monitor.on('connection', (socket) => {
    deps.stats.read().then(
      (stats) => socket.emit('stats', stats),
      (error: unknown) => deps.logger.warn({ err: error }, 'could not read statistics for a monitor'),
    );
  });
  return {
    io,
    monitorAudience: {
      size: () => monitor.sockets.size,
      send: (stats: Statistics) => monitor.local.emit('stats', stats),
    },
    ...relayToSockets(io, monitor, subscriptions),
    close: async () => {
      // Work not started is dropped first: a flood's backlog does not hold the shutdown up.
      limits.close();
      subscriptions.close();
      // io.close() disconnects every socket, then also waits for the HTTP server's last connection
      // to end: not here, where open SSE streams (ended by later stops) would hold the shutdown up.
      void io.close();
      refusals.close();
    },
  };
}

/** Tokens: `auth: { token }` in the client's options, or an Authorization header. */
function requireToken(token: string | undefined) {
  return (socket: Socket, next: (error?: Error) => void) => {
    const given =
      typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : tokenOf(socket.request);
    if (token === undefined || tokenMatches(token, given)) return next();
    next(new Error('unauthorized: a valid token is required'));
  };
}

/**
 * The room's sockets on this instance, or undefined when it has none. Socket.IO encodes a packet
 * before it finds a room empty, and a message's events are heard where nobody watches it.
 */
function localMembers(io: ChatServer, room: string): ReadonlySet<string> | undefined {
  const members = io.of('/').adapter.rooms.get(room);
  return members && members.size > 0 ? members : undefined;
}

/** Events reach this instance's own sockets only (`local`): every instance relays what it hears. */
function relayToSockets(io: ChatServer, monitor: MonitorNamespace, subscriptions: MessageSubscriptions): RelayTarget {
  const finishedAudience = new FinishedAudience();
  return {
    status(event: MessageStatusEvent) {
      const room = messageRoom(event.messageId);
      const lateFlag = isTerminal(event.status) && event.urgent ? finishedAudience.take(event.messageId) : [];
      const members = localMembers(io, room);
      if (members || lateFlag.length > 0) io.local.to([room, ...lateFlag]).emit('message:status', event);
      monitor.local.emit('message:status', event);
      if (isTerminal(event.status)) {
        subscriptions.finished(event);
        if (!event.urgent) finishedAudience.remember(event.messageId, members ?? []);
        // Nothing follows a final state: the subscriptions end here, so finished messages do not
        // pile up (memory, the per-socket limit, the re-send after a listener reconnect).
        if (members) io.local.in(room).socketsLeave(room);
      }
    },
    delta(event: MessageDeltaEvent) {
      const room = messageRoom(event.messageId);
      if (localMembers(io, room)) io.local.to(room).emit('message:delta', event);
    },
    watches: (messageId) => localMembers(io, messageRoom(messageId)) !== undefined,
    // The followers of its messages hear it once per notice (its messages being answered come first,
    // where followers are), and follow them no more; nobody is left to tell of a late flag.
    conversationDeleted({ conversationId, messageIds }) {
      const rooms = messageIds.map(messageRoom);
      io.local.to(rooms).emit('conversation:deleted', { conversationId });
      io.local.in(rooms).socketsLeave(rooms);
      for (const messageId of messageIds) finishedAudience.take(messageId);
    },
    *watchedMessageIds() {
      for (const room of io.of('/').adapter.rooms.keys()) {
        if (room.startsWith(ROOM_PREFIX)) yield room.slice(ROOM_PREFIX.length);
      }
    },
  };
}
