/**
 * The REST answers of finished messages, kept in memory. A completed or failed message never
 * changes again, and polling clients ask for it over and over: this spares the database those
 * reads. Filled from database reads and from the status events every instance hears; bounded in
 * size and time, and cleared when retention deletes messages (a NOTIFY tells every instance).
 */
import type { MessageState } from '../../shared/rest.js';
import type { MessageStatusEvent } from '../../shared/socket-events.js';
import { isTerminal } from '../../shared/status.js';
import type { RelayTarget } from '../messages/relay-target.js';

interface Entry {
  body: string;
  expiresAt: number;
}

export class FinishedMessageCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  /** The JSON body of GET /api/chat/:id, when the message is known to be finished. */
  get(messageId: string): string | undefined {
    const entry = this.entries.get(messageId);
    if (!entry) return undefined;
    if (entry.expiresAt < Date.now()) {
      this.entries.delete(messageId);
      return undefined;
    }
    return entry.body;
  }

  remember(messageId: string, state: MessageState): void {
    if (!isTerminal(state.status)) return;
    if (this.entries.size >= this.maxEntries) {
      // Oldest first: Map keeps insertion order.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(messageId, { body: JSON.stringify(state), expiresAt: Date.now() + this.ttlMs });
  }

  /** Forgets everything (messages were deleted somewhere; which ones does not matter, it is rare). */
  clear(): void {
    this.entries.clear();
  }

  /** Learns finished states from the status events (any instance's work). */
  readonly relayTarget: RelayTarget = {
    status: ({ messageId, conversationId: _, ...state }: MessageStatusEvent) => this.remember(messageId, state),
    delta: () => undefined,
    watchedMessageIds: () => [],
  };
}
