/**
 * Publishes the answer's text as it streams: batched (by time and size) into pg_notify calls on
 * channel message_delta, so every instance relays it; the text of all messages buffered on one
 * tick goes out in one statement (delta-outbox.ts). Nothing is written to the table per token;
 * the final text is written once by the worker.
 */
import type { Logger } from 'pino';
import { NOTIFY_PAYLOAD_LIMIT_BYTES } from '../../shared/limits.js';
import type { MessageDeltaEvent } from '../../shared/socket-events.js';
import type { Pool } from '../db/pool.js';
import type { DeltaSink, DeltaStream } from '../queue/delta-sink.js';
import { DeltaOutbox } from './delta-outbox.js';

export interface DeltaPublisherOptions {
  pool: Pool;
  logger: Logger;
  /** How long text may wait in the buffer before it is sent. */
  flushIntervalMs?: number;
  /** Send as soon as this many bytes are buffered. */
  maxBatchBytes?: number;
}

/** Room for the JSON envelope around the text, well inside the 8000-byte NOTIFY limit. */
const ENVELOPE_BYTES = 400;

export function createDeltaPublisher(options: DeltaPublisherOptions): DeltaSink {
  const flushIntervalMs = options.flushIntervalMs ?? 25;
  const maxBatchBytes = Math.min(options.maxBatchBytes ?? 2000, NOTIFY_PAYLOAD_LIMIT_BYTES - ENVELOPE_BYTES);
  const { logger } = options;
  const outbox = new DeltaOutbox(options.pool);
  // One clock for all streams: every buffer with text flushes on the same tick, so the deltas of
  // all messages streaming here share one statement per tick (not one per message).
  const ticker = new FlushTicker(flushIntervalMs);

  return {
    open({ messageId, attempt, after }): DeltaStream {
      let buffer = '';
      let seq = 0;
      // Sends are chained so that the deltas of one message leave (and arrive) in order, and
      // only once the message is written.
      let written = true;
      let sending: Promise<void> = after
        ? after.then((ok) => {
            written = ok;
          })
        : Promise.resolve();

      const payloadOf = (text: string) => {
        const event: MessageDeltaEvent = { messageId, seq, text, attempt };
        if (seq === 0 && attempt > 1) event.restart = true;
        seq += 1;
        return JSON.stringify(event);
      };
      const flush = () => {
        ticker.forget(flush);
        const payloads = splitByBytes(buffer, maxBatchBytes).map(payloadOf);
        buffer = '';
        if (payloads.length === 0) return;
        sending = sending.then(() =>
          (written ? outbox.publish(payloads) : Promise.resolve()).catch((error: unknown) =>
            logger.warn({ err: error, messageId }, 'could not publish a delta'),
          ),
        );
      };

      return {
        push(text) {
          if (text === '') return;
          buffer += text;
          if (Buffer.byteLength(buffer) >= maxBatchBytes) flush();
          else ticker.add(flush);
        },
        async end() {
          flush();
          await sending;
        },
        async takeRest() {
          ticker.forget(flush);
          await sending;
          const rest = written ? splitByBytes(buffer, maxBatchBytes).map(payloadOf) : [];
          buffer = '';
          return rest;
        },
      };
    },
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
