/**
 * Which messages a socket follows: one Socket.IO room per message. Following one joins its room
 * first and reads its current state after, so no event is missed in between; a final state heard
 * during that read wins over the read.
 */
import type { Socket } from 'socket.io';
import {
  type ClientToServerEvents,
  type MessageCurrentState,
  type MessageStatusEvent,
  messageRoom,
  type ServerToClientEvents,
} from '../../shared/socket-events.js';
import { isTerminal } from '../../shared/status.js';
import type { Pool } from '../db/pool.js';
import { toStatusEvent } from '../messages/message-state.js';
import { type PartialAnswers, withTextSoFar } from './partial-answers.js';
import { SocketReads } from './socket-reads.js';

export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

export const ROOM_PREFIX = messageRoom('');

export class MessageSubscriptions {
  /**
   * Subscribes between their join and their read, per message. The read may be taken just before
   * a commit whose event reaches the socket first; a final state heard meanwhile wins over it.
   */
  private readonly joining = new Map<string, { count: number; finished?: MessageStatusEvent }>();

  /** Reads batched, on a budget of the pool's connections. */
  private readonly reads: SocketReads;

  constructor(private readonly deps: { pool: Pool; partialAnswers: PartialAnswers }) {
    this.reads = new SocketReads(deps.pool);
  }

  /** How many messages the socket follows. */
  count(socket: ChatSocket): number {
    let count = 0;
    for (const room of socket.rooms) if (room.startsWith(ROOM_PREFIX)) count++;
    return count;
  }

  /** Subscribes the socket and answers the current state; keeps no subscription that ends now. */
  async follow(socket: ChatSocket, messageId: string): Promise<MessageCurrentState | null> {
    const room = messageRoom(messageId);
    const alreadyIn = socket.rooms.has(room);
    let message: MessageCurrentState | null;
    try {
      message = await this.joinAndRead(socket, messageId);
    } catch (error) {
      if (!alreadyIn) await socket.leave(room);
      throw error;
    }
    // Unknown, or finished (nothing follows a final state): no reason to stay in the room.
    if (!message || isTerminal(message.status)) await socket.leave(room);
    return message;
  }

  /** Shutting down: reads not started are refused (RequestRefused), and any new one. */
  close(): void {
    this.reads.close();
  }

  /** A final state is being relayed: a read under way answers it rather than what it read. */
  finished(event: MessageStatusEvent): void {
    const entry = this.joining.get(event.messageId);
    if (entry) entry.finished = event;
  }

  /**
   * Joins the message's room, then reads its current state: no event is missed in between. The
   * text so far is taken last, so every delta sent to the socket before the answer is in it.
   */
  private async joinAndRead(socket: ChatSocket, messageId: string): Promise<MessageCurrentState | null> {
    const entry = this.joining.get(messageId) ?? { count: 0 };
    this.joining.set(messageId, entry);
    entry.count += 1;
    try {
      await socket.join(messageRoom(messageId));
      const row = await this.reads.read(messageId);
      if (!row) return null;
      const current = await withTextSoFar(entry.finished ?? toStatusEvent(row), this.deps.partialAnswers);
      // A final state heard while the text was awaited wins too.
      return entry.finished ?? current;
    } finally {
      entry.count -= 1;
      if (entry.count === 0) this.joining.delete(messageId);
    }
  }
}
