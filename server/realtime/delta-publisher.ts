/**
 * Publishes the answer's text as it streams: batched (by time and size) into pg_notify calls on
 * channel message_delta, so every instance relays it. Nothing is written to the table per token;
 * the final text is written once by the worker.
 */
import type { Logger } from 'pino';
import { NOTIFY_PAYLOAD_LIMIT_BYTES } from '../../shared/limits.js';
import type { MessageDeltaEvent } from '../../shared/socket-events.js';
import { createBatcher } from '../db/batcher.js';
import { DELTA_CHANNEL } from '../db/channels.js';
import type { Pool } from '../db/pool.js';
import type { DeltaSink, DeltaStream } from '../queue/delta-sink.js';

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
  const { pool, logger } = options;
  // The deltas of all messages streaming at the same moment go out in one statement.
  const notify = createBatcher(
    async (payloads: string[]) => {
      await pool.query({
        name: 'publish-deltas',
        text: 'SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload',
        values: [DELTA_CHANNEL, payloads],
      });
      return payloads.map(() => undefined);
    },
    { maxBatch: 200 },
  );

  return {
    open({ messageId, attempt, after }): DeltaStream {
      let buffer = '';
      let seq = 0;
      let timer: NodeJS.Timeout | undefined;
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
      const send = (text: string) => {
        const payload = payloadOf(text);
        sending = sending.then(() =>
          (written ? notify(payload) : Promise.resolve()).then(
            () => undefined,
            (error: unknown) => logger.warn({ err: error, messageId }, 'could not publish a delta'),
          ),
        );
      };
      const flush = () => {
        clearTimeout(timer);
        timer = undefined;
        for (const piece of splitByBytes(buffer, maxBatchBytes)) send(piece);
        buffer = '';
      };

      return {
        push(text) {
          if (text === '') return;
          buffer += text;
          if (Buffer.byteLength(buffer) >= maxBatchBytes) flush();
          else timer ??= setTimeout(flush, flushIntervalMs);
        },
        async end() {
          flush();
          await sending;
        },
        async takeRest() {
          clearTimeout(timer);
          timer = undefined;
          await sending;
          const rest = written ? splitByBytes(buffer, maxBatchBytes).map(payloadOf) : [];
          buffer = '';
          return rest;
        },
      };
    },
  };
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
