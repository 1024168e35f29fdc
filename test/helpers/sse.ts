/** A plain HTTP reader of Server-Sent Events (no library), for the SSE endpoints; every event is checked. */
import http from 'node:http';
import { z } from 'zod';
import { sseEventSchemas } from '../../shared/socket-events.js';

export interface SseEvent {
  event: string;
  data: unknown;
}

/** The event, parsed with its shared schema; an unknown or drifting event throws. */
function checked(event: string, data: unknown): SseEvent {
  if (!Object.hasOwn(sseEventSchemas, event)) throw new Error(`SSE event ${event} is not in shared/sse-events.ts`);
  const parsed = sseEventSchemas[event as keyof typeof sseEventSchemas].safeParse(data);
  if (!parsed.success) {
    const shown = JSON.stringify(data)?.slice(0, 500);
    throw new Error(`SSE event ${event} breaks the contract: ${z.prettifyError(parsed.error)}\n${shown}`);
  }
  return { event, data };
}

/**
 * Reads events until the server ends the stream, `until` says stop, or the timeout passes; rejects
 * on an event that breaks the contract. `events`, when given, is filled as events arrive (to
 * watch a stream while it runs).
 */
export function readSse(
  url: string,
  options: {
    until?: (events: SseEvent[]) => boolean;
    timeoutMs?: number;
    headers?: Record<string, string>;
    events?: SseEvent[];
  } = {},
): Promise<{ status: number; contentType: string | undefined; events: SseEvent[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = options.events ?? [];
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...options.headers } }, (res) => {
      let buffer = '';
      let ended = false;
      const finish = () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], events, ended });
      };
      const timer = setTimeout(finish, options.timeoutMs ?? 10_000);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let boundary = buffer.indexOf('\n\n');
        while (boundary >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const lines = block.split('\n');
          const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
          const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
          try {
            if (event && data !== undefined) events.push(checked(event, JSON.parse(data)));
          } catch (error) {
            clearTimeout(timer);
            req.destroy();
            reject(error);
            return;
          }
          boundary = buffer.indexOf('\n\n');
        }
        if (options.until?.(events)) finish();
      });
      res.on('end', () => {
        ended = true;
        finish();
      });
    });
    req.on('error', reject);
  });
}
