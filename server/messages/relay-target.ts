/**
 * What the relay (realtime/relay.ts) hands every message event to: the Socket.IO server and the
 * SSE hub (realtime/), the finished-message cache (http/), the cancel target (queue/). Defined
 * here, below all of them, so none of them imports another's layer for it.
 */
import type { MessageDeltaEvent, MessageStatusEvent } from '../../shared/socket-events.js';
import type { ConversationDeletedNotice } from '../db/notify-payloads.js';

export interface RelayTarget {
  status(event: MessageStatusEvent): void;
  delta(event: MessageDeltaEvent): void;
  /** A conversation was deleted: forget these messages of it, end what follows them. Nothing of them is relayed after. */
  conversationDeleted?(notice: ConversationDeletedNotice): void;
  /** Whether its clients here watch the message (then its text is asked for when missing). */
  watches?(messageId: string): boolean;
  /** Ids of the messages its clients watch (for re-sending after a listener reconnect). */
  watchedMessageIds(): Iterable<string>;
}
