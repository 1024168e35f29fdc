/**
 * Who followed a message to a final state that was not urgent: the model's second opinion may
 * still flag it (db/009, relay.ts), and those sockets should hear that although their
 * subscription ended with the final state. Bounded: the oldest are forgotten first.
 */
export class FinishedAudience {
  private readonly audiences = new Map<string, string[]>();

  constructor(private readonly capacity = 10_000) {}

  remember(messageId: string, socketIds: Iterable<string>): void {
    const ids = [...socketIds];
    if (ids.length === 0) return;
    this.audiences.set(messageId, ids);
    if (this.audiences.size > this.capacity) {
      const oldest = this.audiences.keys().next().value;
      if (oldest !== undefined) this.audiences.delete(oldest);
    }
  }

  /** The sockets to tell of a late flag, once. */
  take(messageId: string): string[] {
    const ids = this.audiences.get(messageId) ?? [];
    this.audiences.delete(messageId);
    return ids;
  }
}
