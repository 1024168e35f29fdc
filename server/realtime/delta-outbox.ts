/**
 * The deltas of every message this instance streams, sent as one statement at a time: what is
 * handed in while a statement runs goes out in the next one, in the order it was handed in. Each
 * NOTIFY takes PostgreSQL's commit-wide notify lock, so fewer, larger statements scale further.
 */
import { DELTA_CHANNEL } from '../db/channels.js';
import type { Pool } from '../db/pool.js';

/** Bounds one statement (each payload is at most a NOTIFY's 8000 bytes). */
const MAX_PAYLOADS_PER_STATEMENT = 500;

interface Group {
  payloads: string[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class DeltaOutbox {
  private pending: Group[] = [];
  private busy = false;

  constructor(private readonly pool: Pool) {}

  /** Resolves once the payloads are published, in this order and after those handed in before. */
  publish(payloads: string[]): Promise<void> {
    if (payloads.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.pending.push({ payloads, resolve, reject });
      // After this turn: the streams flushed together in this turn share the statement.
      if (!this.busy) {
        this.busy = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.takeBatch();
      try {
        await this.pool.query({
          name: 'publish-deltas-in-order',
          text: 'SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS t(p, n) ORDER BY n',
          values: [DELTA_CHANNEL, batch.flatMap((group) => group.payloads)],
        });
        for (const group of batch) group.resolve();
      } catch (error) {
        // A failed statement notified nothing; deltas are best effort (the final text is written).
        for (const group of batch) group.reject(error);
      }
    }
    this.busy = false;
  }

  /** Whole groups, so a message's pieces handed in together leave together. */
  private takeBatch(): Group[] {
    let count = 0;
    let taken = 0;
    for (const group of this.pending) {
      if (taken > 0 && count + group.payloads.length > MAX_PAYLOADS_PER_STATEMENT) break;
      count += group.payloads.length;
      taken += 1;
    }
    const batch = this.pending.slice(0, taken);
    this.pending = this.pending.slice(taken);
    return batch;
  }
}
