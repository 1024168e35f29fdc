/** socket.io-client helpers: connect, and record what a socket hears. */
import { io, type Socket } from 'socket.io-client';
import type { MessageDeltaEvent, MessageStatusEvent } from '../../shared/socket-events.js';

export interface Recorder {
  socket: Socket;
  statuses: MessageStatusEvent[];
  deltas: MessageDeltaEvent[];
  /** The events of one message. */
  of(messageId: string): { statuses: MessageStatusEvent[]; deltas: MessageDeltaEvent[] };
}

export async function connect(url: string, options: Parameters<typeof io>[1] = {}): Promise<Recorder> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, ...options });
  const statuses: MessageStatusEvent[] = [];
  const deltas: MessageDeltaEvent[] = [];
  socket.on('message:status', (event: MessageStatusEvent) => statuses.push(event));
  socket.on('message:delta', (event: MessageDeltaEvent) => deltas.push(event));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    socket,
    statuses,
    deltas,
    of: (messageId) => ({
      statuses: statuses.filter((s) => s.messageId === messageId),
      deltas: deltas.filter((d) => d.messageId === messageId),
    }),
  };
}
