/**
 * Server-Sent Events for clients without Socket.IO:
 * - GET /api/chat/:messageId/events: `status` (current state first) and `delta` events; the
 *   stream ends after `completed` or `failed`.
 * - GET /api/statistics/stream: `stats` events, like /monitor.
 */
import { type Response, Router } from 'express';
import { messageIdSchema, type Statistics } from '../../shared/rest.js';
import type { MessageDeltaEvent, MessageStatusEvent } from '../../shared/socket-events.js';
import { isTerminal } from '../../shared/status.js';
import { getMessage } from '../db/messages.js';
import type { Pool } from '../db/pool.js';
import { HttpError } from '../http/errors.js';
import { toStatusEvent } from '../http/message-state.js';
import { parseOr400 } from '../http/validate.js';
import type { RelayTarget } from './relay.js';
import type { StatsAudience, StatsBroadcaster } from './stats-broadcaster.js';

/** A comment line now and then keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

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

function writeEvent(res: Response, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export class SseHub implements RelayTarget {
  private readonly byMessage = new Map<string, Set<Response>>();
  private readonly statsStreams = new Set<Response>();
  private readonly keepalive: NodeJS.Timeout;

  constructor() {
    this.keepalive = setInterval(() => {
      for (const streams of this.byMessage.values()) for (const res of streams) res.write(': keepalive\n\n');
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

  watch(messageId: string, res: Response): void {
    let streams = this.byMessage.get(messageId);
    if (!streams) {
      streams = new Set();
      this.byMessage.set(messageId, streams);
    }
    streams.add(res);
    res.on('close', () => this.unwatch(messageId, res));
  }

  unwatch(messageId: string, res: Response): void {
    const streams = this.byMessage.get(messageId);
    streams?.delete(res);
    if (streams?.size === 0) this.byMessage.delete(messageId);
  }

  watchStats(res: Response): void {
    this.statsStreams.add(res);
    res.on('close', () => this.statsStreams.delete(res));
  }

  status(event: MessageStatusEvent): void {
    const streams = this.byMessage.get(event.messageId);
    if (!streams) return;
    for (const res of streams) {
      writeEvent(res, 'status', event);
      if (isTerminal(event.status)) res.end();
    }
    if (isTerminal(event.status)) this.byMessage.delete(event.messageId);
  }

  delta(event: MessageDeltaEvent): void {
    const streams = this.byMessage.get(event.messageId);
    if (streams) for (const res of streams) writeEvent(res, 'delta', event);
  }

  watchedMessageIds(): Iterable<string> {
    return this.byMessage.keys();
  }

  close(): void {
    clearInterval(this.keepalive);
    for (const streams of this.byMessage.values()) for (const res of streams) res.end();
    for (const res of this.statsStreams) res.end();
    this.byMessage.clear();
    this.statsStreams.clear();
  }
}

export function sseRoutes(deps: { pool: Pool; hub: SseHub; stats: StatsBroadcaster }): Router {
  const router = Router();

  router.get('/api/chat/:messageId/events', async (req, res) => {
    const messageId = parseOr400(messageIdSchema, req.params.messageId);
    const row = await getMessage(deps.pool, messageId);
    if (!row) throw new HttpError(404, 'No message with that id.');
    openStream(res);
    // Watch first, then read the state again: an event between the two is not missed.
    deps.hub.watch(messageId, res);
    const current = (await getMessage(deps.pool, messageId)) ?? row;
    writeEvent(res, 'status', toStatusEvent(current));
    if (isTerminal(current.status)) {
      deps.hub.unwatch(messageId, res);
      res.end();
    }
  });

  router.get('/api/statistics/stream', async (_req, res) => {
    const stats = await deps.stats.read();
    openStream(res);
    writeEvent(res, 'stats', stats);
    deps.hub.watchStats(res);
  });

  return router;
}
