/**
 * Message states read for subscribes, on a budget of the shared pool: ids asked for together are
 * read in one statement (createBatcher), and at most CONNECTIONS such statements run at once, so
 * socket reads never hold more than that many of the pool's connections nor queue more in it,
 * however many sockets ask; REST and the workers keep the rest. At most MAX_UNANSWERED reads are
 * waiting or under way; more are refused at once. Closing refuses new reads and drops those not
 * started.
 */
import { createBatcher } from '../db/batcher.js';
import { getMessageStates, type MessageStateRow } from '../db/messages.js';
import type { Pool } from '../db/pool.js';
import { RequestRefused, SERVER_BUSY, SHUTTING_DOWN } from './socket-limits.js';

const CONNECTIONS = 2;
const MAX_UNANSWERED = 2000;
const MAX_BATCH = 500;

/** At most `size` holders at once; the others wait in turn, until close() refuses them. */
class Budget {
  private active = 0;
  private readonly waiting: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private closedWith: Error | undefined;

  constructor(private readonly size: number) {}

  acquire(): Promise<void> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (this.active < this.size) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next.resolve();
    else this.active -= 1;
  }

  close(error: Error): void {
    this.closedWith = error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }
}

export class SocketReads {
  private readonly budget = new Budget(CONNECTIONS);
  private readonly batched: (id: string) => Promise<MessageStateRow | null>;
  private unanswered = 0;
  private closed = false;

  constructor(pool: Pool) {
    this.batched = createBatcher(
      async (ids: string[]) => {
        await this.budget.acquire();
        try {
          const rows = new Map((await getMessageStates(pool, ids)).map((row) => [row.id, row]));
          return ids.map((id) => rows.get(id) ?? null);
        } finally {
          this.budget.release();
        }
      },
      { maxBatch: MAX_BATCH },
    );
  }

  /** The message's state, null when there is none; throws RequestRefused when busy or closing. */
  async read(messageId: string): Promise<MessageStateRow | null> {
    if (this.closed) throw new RequestRefused(SHUTTING_DOWN);
    if (this.unanswered >= MAX_UNANSWERED) throw new RequestRefused(SERVER_BUSY);
    this.unanswered += 1;
    try {
      return await this.batched(messageId);
    } finally {
      this.unanswered -= 1;
    }
  }

  /** Refuses new reads; those waiting for the budget are refused too (those running finish). */
  close(): void {
    this.closed = true;
    this.budget.close(new RequestRefused(SHUTTING_DOWN));
  }
}
