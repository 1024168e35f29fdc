/**
 * Turns what the listener hears into complete events and hands them to this instance's own
 * clients (sockets, SSE streams, the statistics pusher). Answers too large for a NOTIFY payload
 * are fetched by id here, once per instance, not once per client.
 */
import type { Logger } from 'pino';
import type { MessageDeltaEvent, MessageStatusEvent } from '../../shared/socket-events.js';
import { getMessageStates } from '../db/messages.js';
import type { Pool } from '../db/pool.js';
import { toStatusEvent } from '../http/message-state.js';
import type { ListenerHandlers, StatusNotification } from './notify-listener.js';

/** Something that delivers events to clients: the Socket.IO server, the SSE hub. */
export interface RelayTarget {
  status(event: MessageStatusEvent): void;
  delta(event: MessageDeltaEvent): void;
  /** Ids of the messages its clients watch (for re-sending after a listener reconnect). */
  watchedMessageIds(): Iterable<string>;
}

export class Relay {
  private readonly targets: RelayTarget[] = [];
  private readonly changeListeners: Array<() => void> = [];
  private readonly deletionListeners: Array<() => void> = [];

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
    /** Called with each status event's send time, once relayed (the relay-lag metric). */
    private readonly onRelayed: (sentAtMs: number) => void = () => undefined,
  ) {}

  addTarget(target: RelayTarget): void {
    this.targets.push(target);
  }

  /** Called on every status change and instance change (the statistics may have changed). */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  /** Called when messages were deleted anywhere (retention). */
  onMessagesDeleted(listener: () => void): void {
    this.deletionListeners.push(listener);
  }

  /** The listener's callbacks. */
  readonly handlers: ListenerHandlers = {
    status: (notification) => void this.relayStatus(notification),
    delta: (event) => {
      for (const target of this.targets) target.delta(event);
    },
    instancesChanged: () => this.changed(),
    messagesDeleted: () => {
      this.changed();
      for (const listener of this.deletionListeners) listener();
    },
    reconnected: () => void this.resendWatched(),
  };

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  private async relayStatus(notification: StatusNotification): Promise<void> {
    this.changed();
    let event: MessageStatusEvent;
    if (notification.truncated) {
      const [row] = await this.fetch([notification.id]);
      if (!row) return;
      event = toStatusEvent({ ...row, status: notification.status });
    } else {
      event = toStatusEvent({
        id: notification.id,
        status: notification.status,
        response: notification.response ?? null,
        error: notification.error ?? null,
        conversationId: notification.conversationId ?? null,
        cancelled: notification.cancelled ?? false,
        urgent: notification.urgent ?? false,
        urgentAdvice: notification.urgentAdvice ?? null,
      });
    }
    this.emitStatus(event);
    if (notification.sentAt !== undefined) this.onRelayed(notification.sentAt);
  }

  private emitStatus(event: MessageStatusEvent): void {
    for (const target of this.targets) target.status(event);
  }

  /** After a listener reconnect: every watched message's current state, read from the table. */
  async resendWatched(): Promise<void> {
    this.changed();
    const ids = new Set<string>();
    for (const target of this.targets) for (const id of target.watchedMessageIds()) ids.add(id);
    const rows = await this.fetch([...ids]);
    for (const row of rows) this.emitStatus(toStatusEvent(row));
  }

  private async fetch(ids: string[]) {
    try {
      return await getMessageStates(this.pool, ids);
    } catch (error) {
      this.logger.warn({ err: error, count: ids.length }, 'could not read message states for relay');
      return [];
    }
  }
}
