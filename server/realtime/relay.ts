/**
 * Turns what the listener hears into complete events and hands them to this instance's own
 * clients (sockets, SSE streams, the statistics pusher). Answers too large for a NOTIFY payload
 * are fetched by id here, once per instance, not once per client.
 *
 * Order: the events of one message leave in the order they were heard, also when one of them
 * must first be read from the table (a large answer, the re-send after a reconnect). A finished
 * message never changes again, so what is heard after its final state (a late notification, a
 * re-sent state) is stale and dropped: no client ever sees a message go back from finished.
 * The one change after that is the model's second opinion flagging it urgent (db/009), relayed once.
 * A message whose conversation was deleted is gone: nothing of it is relayed after that.
 *
 * Deltas come from the bus and, for the messages answered here, straight from the worker
 * (`localDelta`); either way each reaches the targets once, in seq order, from seq 0 of its
 * attempt (delta-order.ts). A delta answered here waits until the message's 'processing' status
 * has been relayed, as it would behind it on the bus. When a watched message's text is missing
 * here (answered elsewhere, or a gap), the relay asks for it (`askForDeltas`): the instance
 * answering it then publishes it all from the start.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { MessageDeltaEvent, MessageStatusEvent } from '../../shared/socket-events.js';
import { isTerminal } from '../../shared/status.js';
import { getMessageStates, type MessageStateRow } from '../db/messages.js';
import type { ConversationDeletedNotice } from '../db/notify-payloads.js';
import type { Pool } from '../db/pool.js';
import { toStatusEvent } from '../messages/message-state.js';
import type { RelayTarget } from '../messages/relay-target.js';
import { DeltaOrder } from './delta-order.js';
import type { ListenerHandlers, StatusNotification } from './notify-listener.js';
import { RecentIds } from './recent-ids.js';

/** How many finished messages are remembered; late notifications arrive within milliseconds. */
const FINISHED_MEMORY = 10_000;
/** A final state that must be read from the table is not given up on a single failed read. */
const READ_ATTEMPTS = 4;
const READ_RETRY_MS = 250;
/** Messages whose early local deltas may wait for their status at once, and deltas each. */
const HELD_MESSAGES_MAX = 10_000;
const HELD_DELTAS_MAX = 1000;

type Emit = () => void;

export class Relay {
  private readonly targets: RelayTarget[] = [];
  private readonly changeListeners: Array<() => void> = [];
  private readonly deletionListeners: Array<() => void> = [];
  private readonly reconnectListeners: Array<() => void> = [];
  private readonly deltaWantedListeners: Array<(messageId: string, by: string) => void> = [];
  private readonly instancesListeners: Array<() => void> = [];
  /** Per message, the last event still waiting for a read; later events of it queue behind. */
  private readonly waiting = new Map<string, Promise<void>>();
  private readonly finished = new RecentIds(FINISHED_MEMORY);
  /** Finished messages already relayed as urgent: a later urgent state of theirs is not news. */
  private readonly finishedUrgent = new RecentIds(FINISHED_MEMORY);
  /** Messages of deleted conversations: deltas still in flight from their stopped workers are dropped. */
  private readonly deleted = new RecentIds(FINISHED_MEMORY);
  private readonly deltaOrder = new DeltaOrder(FINISHED_MEMORY);
  /** Messages whose 'processing' status was relayed (a worker here may stream them now). */
  private readonly processing = new RecentIds(FINISHED_MEMORY);
  /** Deltas from a worker here that came before their message's 'processing' status was heard. */
  private readonly heldLocal = new Map<string, MessageDeltaEvent[]>();
  private askForDeltas: (messageId: string) => void = () => undefined;

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
    /** Called with each status event's send time, once relayed (the relay-lag metric). */
    private readonly onRelayed: (sentAtMs: number) => void = () => undefined,
  ) {}

  addTarget(target: RelayTarget): void {
    this.targets.push(target);
  }

  /** How to ask the instance answering a message for its deltas (delta-requests.ts). */
  requestDeltasWith(ask: (messageId: string) => void): void {
    this.askForDeltas = ask;
  }

  /** A delta of a message answered here, straight from its worker. */
  localDelta(event: MessageDeltaEvent): void {
    const { messageId } = event;
    // A worker stopped by a cancel or a delete flushes what it had: nothing follows a final state.
    if (this.finished.has(messageId) || this.deleted.has(messageId)) return;
    if (this.processing.has(messageId)) return void this.inOrder(messageId, () => this.emitDelta(event));
    // Bounded: what is not held is replayed from the publisher as a gap once the status comes, or comes with the final state.
    const held = this.heldLocal.get(messageId);
    if (held) {
      if (held.length < HELD_DELTAS_MAX) held.push(event);
    } else if (this.heldLocal.size < HELD_MESSAGES_MAX) this.heldLocal.set(messageId, [event]);
  }

  /** Called on every status change and instance change (the statistics may have changed). */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  /** Called when messages were deleted anywhere (retention). */
  onMessagesDeleted(listener: () => void): void {
    this.deletionListeners.push(listener);
  }

  /** Called when an instance (`by`, perhaps this one) asks for the deltas of a message (answered here, perhaps). */
  onDeltaWanted(listener: (messageId: string, by: string) => void): void {
    this.deltaWantedListeners.push(listener);
  }

  /** Called when an instance joined or left (registered, removed, or forgotten as dead). */
  onInstancesChanged(listener: () => void): void {
    this.instancesListeners.push(listener);
  }

  /** Called when the listener's connection is back: what was sent meanwhile was not heard. */
  onReconnected(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  /** The listener's callbacks. */
  readonly handlers: ListenerHandlers = {
    status: (notification) => this.relayStatus(notification),
    delta: (event) => void this.inOrder(event.messageId, () => this.emitDelta(event)),
    wantsDeltasOf: (messageId) => this.watches(messageId),
    deltaWanted: (messageId, by) => {
      for (const listener of this.deltaWantedListeners) listener(messageId, by);
    },
    instancesChanged: () => {
      this.changed();
      for (const listener of this.instancesListeners) listener();
    },
    statisticsChanged: () => this.changed(),
    messagesDeleted: () => {
      this.changed();
      for (const listener of this.deletionListeners) listener();
    },
    conversationDeleted: (notice) => this.relayDeletion(notice),
    reconnected: () => {
      for (const listener of this.reconnectListeners) listener();
      void this.resendWatched();
    },
  };

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  private relayStatus(notification: StatusNotification): void {
    this.changed();
    const { id, sentAt } = notification;
    const relay = (event: MessageStatusEvent) => {
      this.emitStatus(event);
      if (sentAt !== undefined) this.onRelayed(sentAt);
    };
    if (notification.truncated) {
      const read = this.readStates([id]).then((rows) => {
        const row = rows.get(id);
        return row && (() => relay(toStatusEvent({ ...row, status: notification.status })));
      });
      void this.inOrder(id, read);
      return;
    }
    const event = toStatusEvent({
      id,
      status: notification.status,
      response: notification.response ?? null,
      error: notification.error ?? null,
      conversationId: notification.conversationId ?? null,
      cancelled: notification.cancelled ?? false,
      urgent: notification.urgent ?? false,
      urgentAdvice: notification.urgentAdvice ?? null,
      urgentSource: notification.urgentSource ?? null,
    });
    void this.inOrder(id, () => relay(event));
  }

  /** Every target forgets the deleted messages (and ends what follows them); nothing of them is relayed after. */
  private relayDeletion(notice: ConversationDeletedNotice): void {
    this.changed();
    for (const id of notice.messageIds) {
      this.deleted.add(id);
      this.heldLocal.delete(id);
    }
    const { conversationId } = notice;
    for (const target of this.targets) this.safely(() => target.conversationDeleted?.(notice), { conversationId });
  }

  /**
   * After a listener reconnect: every watched message's current state, read from the table. Each
   * takes its place in its message's order now, so what is heard during the read comes after it.
   */
  async resendWatched(): Promise<void> {
    this.changed();
    const ids = new Set<string>();
    for (const target of this.targets) for (const id of target.watchedMessageIds()) ids.add(id);
    if (ids.size === 0) return;
    const read = this.readStates([...ids]);
    await Promise.all(
      [...ids].map((id) =>
        this.inOrder(
          id,
          read.then((rows) => {
            const row = rows.get(id);
            return row && (() => this.emitStatus(toStatusEvent(row)));
          }),
        ),
      ),
    );
  }

  /**
   * Emits now when nothing of this message waits for a read; else after what waits. `next` never
   * rejects (reads catch their errors); a target that throws is logged, not propagated.
   */
  private inOrder(messageId: string, next: Emit | Promise<Emit | undefined>): Promise<void> {
    const before = this.waiting.get(messageId);
    if (!before && typeof next === 'function') {
      next();
      return Promise.resolve();
    }
    const done = (async () => {
      await before;
      (await next)?.();
    })().catch((error: unknown) => this.logger.error({ err: error, messageId }, 'could not relay an event'));
    this.waiting.set(messageId, done);
    void done.then(() => {
      if (this.waiting.get(messageId) === done) this.waiting.delete(messageId);
    });
    return done;
  }

  private emitStatus(event: MessageStatusEvent): void {
    const { messageId, status, urgent } = event;
    if (this.deleted.has(messageId) || !this.isNews(event)) return;
    if (isTerminal(status)) this.finished.add(messageId);
    if (isTerminal(status) && urgent) this.finishedUrgent.add(messageId);
    for (const target of this.targets) this.safely(() => target.status(event), { messageId });
    this.followDeltas(event);
  }

  /** What the status means for the message's deltas: held ones may go, or the text is wanted. */
  private followDeltas({ messageId, status }: MessageStatusEvent): void {
    if (status === 'processing') {
      this.processing.add(messageId);
      const held = this.heldLocal.get(messageId);
      this.heldLocal.delete(messageId);
      for (const event of held ?? []) this.emitDelta(event);
      // Answered elsewhere and watched here: ask for its text (again, if a new attempt began).
      if (this.watches(messageId)) this.askForDeltas(messageId);
      return;
    }
    // Not on 'pending': a first answer's deltas may be delivered here before its 'pending' is heard.
    this.processing.delete(messageId);
    if (isTerminal(status)) {
      this.heldLocal.delete(messageId);
      this.deltaOrder.forget(messageId);
    }
  }

  /** Whether a client here watches the message. */
  watches(messageId: string): boolean {
    return this.targets.some((target) => target.watches?.(messageId) ?? false);
  }

  /** Everything before the final state; after it, only a final state that is newly urgent. */
  private isNews({ messageId, status, urgent }: MessageStatusEvent): boolean {
    if (!this.finished.has(messageId)) return true;
    return isTerminal(status) && urgent === true && !this.finishedUrgent.has(messageId);
  }

  private emitDelta(event: MessageDeltaEvent): void {
    const { messageId } = event;
    if (this.finished.has(messageId) || this.deleted.has(messageId)) return;
    const place = this.deltaOrder.place(event);
    if (place === 'missing') {
      // Watched here: ask for the text from the start. Else wait for a new start (seq 0).
      if (this.watches(messageId)) this.askForDeltas(messageId);
      else this.deltaOrder.forget(messageId);
    }
    if (place !== 'next') return;
    for (const target of this.targets) this.safely(() => target.delta(event), { messageId });
  }

  /** One target's failure must not keep the event from the others, nor reach the listener. */
  private safely(deliver: () => void, about: { messageId: string } | { conversationId: string }): void {
    try {
      deliver();
    } catch (error) {
      this.logger.error({ err: error, ...about }, 'a relay target failed');
    }
  }

  /** Current states by id; retried a few times, since a final state read here must not be lost. */
  private async readStates(ids: string[]): Promise<Map<string, MessageStateRow>> {
    for (let attempt = 1; ; attempt++) {
      try {
        const rows = await getMessageStates(this.pool, ids);
        return new Map(rows.map((row) => [row.id, row]));
      } catch (error) {
        const last = attempt >= READ_ATTEMPTS;
        this.logger[last ? 'error' : 'warn'](
          { err: error, count: ids.length, attempt },
          'could not read message states for relay',
        );
        if (last) return new Map();
        await sleep(READ_RETRY_MS * attempt, undefined, { ref: false });
      }
    }
  }
}
