/**
 * Whether other instances share the database now: read at start, and again whenever the
 * instances change (NOTIFY instances_changed). Alone, an instance never puts deltas on the bus.
 */
import type { Logger } from 'pino';
import { countOtherLiveInstances } from '../db/instances.js';
import type { Pool } from '../db/pool.js';

export class PeerInstances {
  /** Until read: assume peers, so nothing waits for an ask. */
  private peers = true;
  private reading: Promise<void> | undefined;
  private again = false;

  constructor(private readonly deps: { pool: Pool; logger: Logger; instanceId: string; staleAfterMs: number }) {}

  get any(): boolean {
    return this.peers;
  }

  /** Reads the count again; calls made during a read are folded into one more read after it. */
  refresh(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.read().finally(() => {
      this.reading = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.reading;
  }

  private async read(): Promise<void> {
    const { pool, instanceId, staleAfterMs } = this.deps;
    try {
      this.peers = (await countOtherLiveInstances(pool, { id: instanceId, staleAfterMs })) > 0;
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not count the other instances; assuming there are some');
      this.peers = true;
    }
  }
}
