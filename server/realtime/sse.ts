/**
 * Server-Sent Events for clients without Socket.IO:
 * - GET /api/chat/:messageId/events: `status` (current state first, with the text so far while
 *   it is being answered) and `delta` events; the stream ends after `completed` or `failed`, or
 *   after `deleted` when the message's conversation is deleted.
 * - GET /api/statistics/stream: `stats` events, like /monitor.
 */
import { type Response, Router } from 'express';
import { messageIdSchema, type Statistics } from '../../shared/rest.js';
import type {
  ConversationDeletedEvent,
  MessageCurrentState,
  MessageDeltaEvent,
  MessageStatusEvent,
  PartialAnswer,
  SseEvents,
} from '../../shared/socket-events.js';
import { isTerminal } from '../../shared/status.js';
import { getMessage } from '../db/messages.js';
import type { ConversationDeletedNotice } from '../db/notify-payloads.js';
import type { Pool } from '../db/pool.js';
import { HttpError } from '../edge/http-error.js';
import { parseOr400 } from '../edge/validate.js';
import { toStatusEvent } from '../messages/message-state.js';
import type { RelayTarget } from '../messages/relay-target.js';
import { type PartialAnswers, withTextSoFar } from './partial-answers.js';
import type { StatsAudience, StatsBroadcaster } from './stats-broadcaster.js';

/** A comment line now and then keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

type StreamEvent =
  | { name: 'status'; data: MessageStatusEvent }
  | { name: 'delta'; data: MessageDeltaEvent }
  | { name: 'deleted'; data: ConversationDeletedEvent };

/** Nothing follows a final state, nor the deletion of the message's conversation. */
function endsStream(event: StreamEvent): boolean {
  return event.name === 'deleted' || (event.name === 'status' && isTerminal(event.data.status));
}

/** A delta whose text the partial answer already holds (or replaced): not sent again. */
function coveredBy(partial: PartialAnswer | undefined, event: StreamEvent): boolean {
  if (!partial || event.name !== 'delta') return false;
  const attempt = event.data.attempt ?? 1;
  return attempt < partial.attempt || (attempt === partial.attempt && event.data.seq < partial.seq);
}

/** One client's stream of one message. */
export interface MessageStream {
  res: Response;
  /** Events heard before the current state was written; they follow it. Undefined once started. */
  held: StreamEvent[] | undefined;
}

function openStream(res: Response): void {
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no', // nginx: do not buffer the stream
  });
  res.flushHeaders();
  res.write('retry: 2000\n\n');
}

function writeEvent<E extends keyof SseEvents>(res: Response, event: E, data: SseEvents[E]): void {
  // A write after end would be an unhandled 'error' event on the response: the process would die.
  if (res.writableEnded || res.destroyed) return;
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export class SseHub implements RelayTarget {
  private readonly byMessage = new Map<string, Set<MessageStream>>();
  private readonly statsStreams = new Set<Response>();
  private readonly keepalive: NodeJS.Timeout;

  constructor() {
    this.keepalive = setInterval(() => {
      for (const streams of this.byMessage.values()) {
        // A held stream has sent nothing yet, not even its headers.
        for (const { res, held } of streams) if (!held) res.write(': keepalive\n\n');
      }
      for (const res of this.statsStreams) res.write(': keepalive\n\n');
    }, KEEPALIVE_MS);
    this.keepalive.unref();
  }

  readonly statsAudience: StatsAudience = {
    size: () => this.statsStreams.size,
    send: (stats: Statistics) => {
      for (const res of this.statsStreams) writeEvent(res, 'stats', stats);
    },
  };

  /** Starts holding the message's events for `res`, before its current state is read. */
  watch(messageId: string, res: Response): MessageStream {
    const stream: MessageStream = { res, held: [] };
    // The client may have gone already (while a read was awaited): its 'close' has passed.
    if (res.closed) return stream;
    let streams = this.byMessage.get(messageId);
    if (!streams) {
      streams = new Set();
      this.byMessage.set(messageId, streams);
    }
    streams.add(stream);
    res.on('close', () => this.unwatch(messageId, stream));
    return stream;
  }

  /**
   * Writes the current state, then what was held meanwhile and is not in its text so far; ends
   * at a final state. The text so far must be taken now, after the held events were heard.
   */
  start(messageId: string, stream: MessageStream, current: MessageCurrentState): void {
    const held = stream.held ?? [];
    stream.held = undefined;
    if (!this.byMessage.get(messageId)?.has(stream)) {
      stream.res.end(); // the client left, or the hub closed
      return;
    }
    this.send(messageId, stream, { name: 'status', data: current });
    for (const event of held) if (!coveredBy(current.partial, event)) this.send(messageId, stream, event);
  }

  unwatch(messageId: string, stream: MessageStream): void {
    const streams = this.byMessage.get(messageId);
    streams?.delete(stream);
    if (streams?.size === 0) this.byMessage.delete(messageId);
  }

  watchStats(res: Response): void {
    if (res.closed) return;
    this.statsStreams.add(res);
    res.on('close', () => this.statsStreams.delete(res));
  }

  status(event: MessageStatusEvent): void {
    for (const stream of this.byMessage.get(event.messageId) ?? []) {
      this.send(event.messageId, stream, { name: 'status', data: event });
    }
  }

  delta(event: MessageDeltaEvent): void {
    for (const stream of this.byMessage.get(event.messageId) ?? []) {
      this.send(event.messageId, stream, { name: 'delta', data: event });
    }
  }

  /** The streams of the deleted messages end with a `deleted` event. */
  conversationDeleted({ conversationId, messageIds }: ConversationDeletedNotice): void {
    for (const messageId of messageIds) {
      for (const stream of this.byMessage.get(messageId) ?? []) {
        this.send(messageId, stream, { name: 'deleted', data: { conversationId } });
      }
    }
  }

  watches(messageId: string): boolean {
    return this.byMessage.has(messageId);
  }

  watchedMessageIds(): Iterable<string> {
    return this.byMessage.keys();
  }

  close(): void {
    clearInterval(this.keepalive);
    for (const streams of this.byMessage.values()) for (const { res, held } of streams) if (!held) res.end();
    for (const res of this.statsStreams) res.end();
    this.byMessage.clear();
    this.statsStreams.clear();
  }

  private send(messageId: string, stream: MessageStream, event: StreamEvent): void {
    if (!this.byMessage.get(messageId)?.has(stream)) return; // ended by an earlier final state
    if (stream.held) {
      stream.held.push(event);
      return;
    }
    writeEvent(stream.res, event.name, event.data);
    if (endsStream(event)) {
      this.unwatch(messageId, stream);
      stream.res.end();
    }
  }
}

export function sseRoutes(deps: {
  pool: Pool;
  hub: SseHub;
  stats: StatsBroadcaster;
  partialAnswers: PartialAnswers;
}): Router {
  const router = Router();

  router.get('/api/chat/:messageId/events', async (req, res) => {
    const messageId = parseOr400(messageIdSchema, req.params.messageId);
    // Watch first, then read: what is heard in between is held and follows the current state,
    // so nothing is missed and the current state still comes first.
    const stream = deps.hub.watch(messageId, res);
    let row: Awaited<ReturnType<typeof getMessage>>;
    try {
      row = await getMessage(deps.pool, messageId);
    } catch (error) {
      deps.hub.unwatch(messageId, stream);
      throw error;
    }
    if (!row) {
      deps.hub.unwatch(messageId, stream);
      throw new HttpError(404, 'No message with that id.');
    }
    const current = await withTextSoFar(toStatusEvent(row), deps.partialAnswers);
    if (res.closed) return deps.hub.unwatch(messageId, stream);
    openStream(res);
    deps.hub.start(messageId, stream, current);
  });

  router.get('/api/statistics/stream', async (_req, res) => {
    const stats = await deps.stats.read();
    if (res.closed) return; // the client left during the read
    openStream(res);
    writeEvent(res, 'stats', stats);
    deps.hub.watchStats(res);
  });

  return router;
}
