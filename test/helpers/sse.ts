/** A plain HTTP reader of Server-Sent Events (no library), for the SSE endpoints. */
import http from 'node:http';

export interface SseEvent {
  event: string;
  data: unknown;
}

/**
 * Reads events until the server ends the stream, `until` says stop, or the timeout passes.
 * `events`, when given, is filled as events arrive (to watch a stream while it runs).
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
          if (event && data !== undefined) events.push({ event, data: JSON.parse(data) });
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
