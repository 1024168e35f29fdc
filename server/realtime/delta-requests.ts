/**
 * Asks for a message's deltas over the bus (NOTIFY message_delta_wanted): the instance answering
 * it then publishes its text from the start and all that follows (delta-publisher.ts). Asked when
 * a client here watches a message answered elsewhere and its text is missing here; at most once
 * a second per message, since the answer to one ask covers every watcher here.
 */
import type { Logger } from 'pino';
import { DELTA_WANTED_CHANNEL } from '../db/channels.js';
import type { Pool } from '../db/pool.js';

const ASK_INTERVAL_MS = 1000;
/** At most one warning about failed asks per this long (the database may be away for a while). */
const WARNING_INTERVAL_MS = 10_000;
/** Messages whose last ask is remembered (for the interval); the oldest are forgotten first. */
const ASKS_REMEMBERED = 10_000;

export function deltaRequests(deps: {
  pool: Pool;
  logger: Logger;
  /** Who asks: the instance answering a message ignores its own asks (its clients have the text). */
  instanceId: string;
  /** A message answered here needs no ask: its deltas come straight from its worker. */
  isStreamingHere: (messageId: string) => boolean;
}): (messageId: string) => boolean {
  const askedAt = new Map<string, number>();
  const failed = { count: 0, warnedAt: Number.NEGATIVE_INFINITY };
  const warn = (error: unknown) => {
    failed.count += 1;
    if (Date.now() - failed.warnedAt < WARNING_INTERVAL_MS) return;
    deps.logger.warn({ err: error, failed: failed.count }, 'could not ask for deltas');
    failed.warnedAt = Date.now();
    failed.count = 0;
  };
  /** False when there is nothing to ask (answered here); true when asked now or lately. */
  return (messageId) => {
    if (deps.isStreamingHere(messageId)) return false;
    const now = Date.now();
    const last = askedAt.get(messageId);
    if (last !== undefined && now - last < ASK_INTERVAL_MS) return true;
    askedAt.delete(messageId);
    askedAt.set(messageId, now);
    if (askedAt.size > ASKS_REMEMBERED) askedAt.delete(askedAt.keys().next().value as string);
    // Lost if the database is away: the next status or delta heard of it asks again.
    deps.pool
      .query({
        name: 'want-deltas',
        text: 'SELECT pg_notify($1, $2)',
        values: [DELTA_WANTED_CHANNEL, JSON.stringify({ messageId, instanceId: deps.instanceId })],
      })
      .catch(warn);
    return true;
  };
}
