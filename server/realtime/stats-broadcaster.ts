/**
 * Pushes the global statistics to whoever watches (/monitor sockets, SSE streams), driven by
 * changes: a status change anywhere marks them stale; they are read and pushed at most
 * `maxPerSecond` times a second, and only when they differ from the last push.
 */
import type { Logger } from 'pino';
import type { Statistics } from '../../shared/rest.js';
import type { Pool } from '../db/pool.js';
import { readStatistics } from '../stats/statistics.js';

export interface StatsAudience {
  size(): number;
  send(stats: Statistics): void;
}

export class StatsBroadcaster {
  private readonly audiences: StatsAudience[] = [];
  private readonly minIntervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private lastPushAt = 0;
  private lastSent = '';
  private stopped = false;

  constructor(
    private readonly deps: { pool: Pool; logger: Logger; instanceStaleAfterMs: number; maxPerSecond?: number },
  ) {
    this.minIntervalMs = 1000 / (deps.maxPerSecond ?? 4);
  }

  addAudience(audience: StatsAudience): void {
    this.audiences.push(audience);
  }

  read(): Promise<Statistics> {
    return readStatistics(this.deps.pool, { instanceStaleAfterMs: this.deps.instanceStaleAfterMs });
  }

  /** Something changed: push within the coalescing window. */
  markChanged(): void {
    if (this.timer || this.stopped) return;
    const wait = Math.max(0, this.lastPushAt + this.minIntervalMs - Date.now());
    this.timer = setTimeout(() => void this.push(), wait);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async push(): Promise<void> {
    // Cleared first: a change during the read below schedules the next push.
    this.timer = undefined;
    this.lastPushAt = Date.now();
    try {
      if (this.audiences.every((a) => a.size() === 0)) return;
      const stats = await this.read();
      const serialized = JSON.stringify(stats);
      if (serialized === this.lastSent) return;
      this.lastSent = serialized;
      for (const audience of this.audiences) if (audience.size() > 0) audience.send(stats);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not push statistics');
    }
  }
}
