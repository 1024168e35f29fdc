/**
 * Sends the answer's text on as it streams, batched by time and size. Deltas go where they are
 * watched: to this instance's own clients directly (`deliverLocally`), and on the bus (pg_notify
 * on message_delta, all messages buffered on one tick in one statement, delta-outbox.ts) only once
 * another instance has asked for the message (`want`, from its NOTIFY on message_delta_wanted).
 * The asker then first gets every delta so far (the catch-up), so its late joiners get all the
 * text. Without local delivery (the queue alone, tests) everything goes on the bus, as the only
 * way out. Nothing is written to the table per token; the final text is written once.
 */
import type { Logger } from 'pino';
import { NOTIFY_PAYLOAD_LIMIT_BYTES } from '../../shared/limits.js';
import type { MessageDeltaEvent } from '../../shared/socket-events.js';
import type { Pool } from '../db/pool.js';
import type { DeltaSink, DeltaStream } from '../queue/delta-sink.js';
import { DeltaOutbox } from './delta-outbox.js';
import { RecentIds } from './recent-ids.js';

export interface DeltaPublisherOptions {
  pool: Pool;
  logger: Logger;
  /** How long text may wait in the buffer before it is sent. */
  flushIntervalMs?: number;
  /** Send as soon as this many bytes are buffered. */
  maxBatchBytes?: number;
}

/** How deltas reach this instance's clients, and which messages go on the bus from their start. */
export interface LocalDelivery {
  deliver(event: MessageDeltaEvent): void;
  /**
   * At a stream's start: publish it at once (other instances run and nobody here watches it, so
   * it is likely watched elsewhere: no ask, no catch-up, one hop less for its first words).
   */
  publishFromStart(messageId: string): boolean;
}

export interface DeltaPublisher extends DeltaSink {
  /** From now on, deltas reach this instance's own clients directly, and the bus only when wanted. */
  deliverLocally(local: LocalDelivery): void;
  /** Another instance watches the message: publish what it has so far, and all that follows. */
  want(messageId: string): void;
  /** Whether the message is being answered here now. */
  isStreaming(messageId: string): boolean;
  /** Delivers every delta so far here again (a gap here: the relay keeps only what it lacks). */
  replayHere(messageId: string): void;
}

/** Room for the JSON envelope around the text, well inside the 8000-byte NOTIFY limit. */
const ENVELOPE_BYTES = 400;
/** Messages asked for are remembered (by count): a retried attempt, or an ask heard before the stream opened. */
const WANTS_REMEMBERED = 10_000;

/** One attempt at a message being answered here. */
interface OpenStream {
  /** Published on the bus (another instance asked), or only delivered here. */
  onBus: boolean;
  /** Every delta so far, for the catch-up of an instance that asks mid-answer. */
  readonly sent: MessageDeltaEvent[];
  /** Publishes on the bus, after what was published before (the stream's chain). */
  publish(events: MessageDeltaEvent[]): void;
}

/** What all streams of one publisher share. */
interface Publisher {
  readonly outbox: DeltaOutbox;
  readonly ticker: FlushTicker;
  readonly maxBatchBytes: number;
  readonly logger: Logger;
  readonly streams: Map<string, OpenStream>;
  readonly wanted: RecentIds;
  local: LocalDelivery | undefined;
}

export function createDeltaPublisher(options: DeltaPublisherOptions): DeltaPublisher {
  const publisher: Publisher = {
    outbox: new DeltaOutbox(options.pool),
    // One clock for all streams: every buffer with text flushes on the same tick, so the deltas of
    // all messages streaming here share one statement per tick (not one per message).
    ticker: new FlushTicker(options.flushIntervalMs ?? 25),
    maxBatchBytes: Math.min(options.maxBatchBytes ?? 2000, NOTIFY_PAYLOAD_LIMIT_BYTES - ENVELOPE_BYTES),
    logger: options.logger,
    streams: new Map(),
    wanted: new RecentIds(WANTS_REMEMBERED),
    local: undefined,
  };
  let replaying = false;
  return {
    deliverLocally(local) {
      publisher.local = local;
    },
    want(messageId) {
      publisher.wanted.add(messageId);
      const stream = publisher.streams.get(messageId);
      if (!stream) return;
      // Everything so far, again if it was on the bus already: the asker may have missed it.
      stream.onBus = true;
      stream.publish(stream.sent);
    },
    isStreaming: (messageId) => publisher.streams.has(messageId),
    replayHere(messageId) {
      const stream = publisher.streams.get(messageId);
      if (!stream || !publisher.local || replaying) return;
      replaying = true; // a replay that itself finds a gap must not start another
      try {
        for (const event of stream.sent) publisher.local.deliver(event);
      } finally {
        replaying = false;
      }
    },
    open: (params) => openStream(publisher, params),
  };
}

function openStream(
  publisher: Publisher,
  { messageId, attempt, after }: Parameters<DeltaSink['open']>[0],
): DeltaStream {
  const { outbox, ticker, maxBatchBytes, logger, streams } = publisher;
  let buffer = '';
  // Nothing leaves before the message is written, nor at all if it is not: `written` is
  // undefined until then. Bus sends are chained, so a message's deltas leave in order.
  let written: boolean | undefined = after ? undefined : true;
  const isWritten = after
    ? after.then((ok) => {
        written = ok;
      })
    : Promise.resolve();
  let sending: Promise<void> = isWritten;
  const { local } = publisher;
  const deliver = local?.deliver;

  const stream: OpenStream = {
    onBus: !local || publisher.wanted.has(messageId) || local.publishFromStart(messageId),
    sent: [],
    publish(events) {
      if (events.length === 0) return;
      const payloads = events.map((event) => JSON.stringify(event));
      sending = sending.then(() =>
        (written ? outbox.publish(payloads) : Promise.resolve()).catch((error: unknown) =>
          logger.warn({ err: error, messageId }, 'could not publish a delta'),
        ),
      );
    },
  };
  streams.set(messageId, stream);
  const close = () => {
    if (streams.get(messageId) === stream) streams.delete(messageId);
  };

  const eventOf = numberedDeltas(messageId, attempt);
  const deliverInOrder = (events: MessageDeltaEvent[]) => {
    if (!deliver || events.length === 0) return;
    if (written) for (const event of events) deliver(event);
    else if (written === undefined) void isWritten.then(() => written && events.forEach(deliver));
  };
  /** The buffered text as deltas: delivered here and remembered (the bus is the caller's choice). */
  const cut = (): MessageDeltaEvent[] => {
    ticker.forget(flush);
    const events = splitByBytes(buffer, maxBatchBytes).map(eventOf);
    buffer = '';
    // Remembered first: a gap found while they are delivered is filled from `sent` (replayHere).
    stream.sent.push(...events);
    deliverInOrder(events);
    return events;
  };
  function flush() {
    const events = cut();
    if (stream.onBus) stream.publish(events);
  }

  return {
    push(text) {
      if (text === '') return;
      buffer += text;
      if (Buffer.byteLength(buffer) >= maxBatchBytes) flush();
      else ticker.add(flush);
    },
    async end() {
      flush();
      close();
      await sending;
    },
    async takeRest() {
      ticker.forget(flush);
      await sending;
      const rest = cut();
      close();
      return written && stream.onBus ? rest.map((event) => JSON.stringify(event)) : [];
    },
  };
}

/** Numbers an attempt's pieces from seq 0; the first of a retried attempt says `restart`. */
function numberedDeltas(messageId: string, attempt: number): (text: string) => MessageDeltaEvent {
  let seq = 0;
  return (text) => {
    const event: MessageDeltaEvent = { messageId, seq, text, attempt };
    if (seq === 0 && attempt > 1) event.restart = true;
    seq += 1;
    return event;
  };
}

/** Calls every flush added since its last tick, `intervalMs` after the first of them was added. */
class FlushTicker {
  private readonly due = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs: number) {}

  add(flush: () => void): void {
    this.due.add(flush);
    this.timer ??= setTimeout(() => this.tick(), this.intervalMs);
  }

  forget(flush: () => void): void {
    this.due.delete(flush);
  }

  private tick(): void {
    this.timer = undefined;
    const flushes = [...this.due];
    this.due.clear();
    for (const flush of flushes) flush();
  }
}

/** Cuts text into pieces of at most `maxBytes` UTF-8 bytes (as JSON), never inside a character. */
export function splitByBytes(text: string, maxBytes: number): string[] {
  if (text === '') return [];
  if (Buffer.byteLength(JSON.stringify(text)) - 2 <= maxBytes) return [text];
  const pieces: string[] = [];
  let piece = '';
  let pieceBytes = 0;
  for (const char of text) {
    // JSON escapes control characters, quotes and backslashes: count what they will take.
    const bytes = Buffer.byteLength(JSON.stringify(char)) - 2;
    if (pieceBytes + bytes > maxBytes && piece !== '') {
      pieces.push(piece);
      piece = '';
      pieceBytes = 0;
    }
    piece += char;
    pieceBytes += bytes;
  }
  if (piece !== '') pieces.push(piece);
  return pieces;
}
