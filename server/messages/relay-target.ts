/**
 * What the relay (realtime/relay.ts) hands every message event to: the Socket.IO server and the
 * SSE hub (realtime/), the finished-message cache (http/), the cancel target (queue/). Defined
 * here, below all of them, so none of them imports another's layer for it.
 */
import type { MessageDeltaEvent, MessageStatusEvent } from '../../shared/socket-events.js';

export interface RelayTarget {
  status(event: MessageStatusEvent): void;
  delta(event: MessageDeltaEvent): void;
  /** Ids of the messages its clients watch (for re-sending after a listener reconnect). */
  watchedMessageIds(): Iterable<string>;
}
