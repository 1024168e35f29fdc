/** A /monitor socket that reports when messages reach a status. */
import { io, type Socket } from 'socket.io-client';
import type { MessageStatusEvent } from '../../shared/socket-events.js';

export interface CompletionWatcher {
  socket: Socket;
  /** Resolves when `count` messages have completed (or failed), with their arrival times. */
  waitFor(count: number, timeoutMs: number): Promise<Map<string, number>>;
  close(): void;
}

export async function watchCompletions(url: string): Promise<CompletionWatcher> {
  const socket = io(`${url}/monitor`, { transports: ['websocket'] });
  const finished = new Map<string, number>();
  let failed = 0;
  let wake: () => void = () => undefined;
  socket.on('message:status', (event: MessageStatusEvent) => {
    if (event.status === 'completed' || event.status === 'failed') {
      if (event.status === 'failed') failed++;
      finished.set(event.messageId, performance.now());
      wake();
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    socket,
    waitFor(count, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${finished.size} of ${count} messages finished in ${timeoutMs} ms`)),
          timeoutMs,
        );
        wake = () => {
          if (finished.size >= count) {
            clearTimeout(timer);
            if (failed > 0) reject(new Error(`${failed} messages failed`));
            else resolve(finished);
          }
        };
        wake();
      });
    },
    close: () => socket.close(),
  };
}
