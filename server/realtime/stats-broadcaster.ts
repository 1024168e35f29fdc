/**
 * Pushes the global statistics to whoever watches (/monitor sockets, SSE streams), driven by
 * changes: a change anywhere marks them stale; they are read and pushed at most `maxPerSecond`
 * times a second, and only when they differ from the last push. One read at a time: a slow read
 * never overlaps the next, so pushes leave in order and at least 1/maxPerSecond apart.
 */
import type { Logger } from 'pino';
import type { Statistics } from '../../shared/rest.js';
import type { Pool } from '../db/pool.js';
import { readStatistics } from '../stats/statistics.js';

export interface StatsAudience {
  size(): number;
  send(stats: Statistics): void;
}

export interface StatsBroadcasterDeps {
  pool: Pool;
  logger: Logger;
  instanceStaleAfterMs: number;
  maxPerSecond?: number;
  /** Replaces the database read (tests of the pacing). */
  read?: () => Promise<Statistics>;
}

export class StatsBroadcaster {
  private readonly audiences: StatsAudience[] = [];
  private readonly minIntervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private pushing = false;
  /** A change not yet covered by a read. */
  private dirty = false;
  /** When the last read finished (and its push, if any, went out). */
  private lastPushAt = Number.NEGATIVE_INFINITY;
  private lastSent = '';
  private stopped = false;

  constructor(private readonly deps: StatsBroadcasterDeps) {
    this.minIntervalMs = 1000 / (deps.maxPerSecond ?? 4);
  }

  addAudience(audience: StatsAudience): void {
    this.audiences.push(audience);
  }

  read(): Promise<Statistics> {
    if (this.deps.read) return this.deps.read();
    return readStatistics(this.deps.pool, { instanceStaleAfterMs: this.deps.instanceStaleAfterMs });
  }

  /** Something changed: push within the coalescing window. */
  markChanged(): void {
    if (this.stopped) return;
    this.dirty = true;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (!this.dirty || this.timer || this.pushing || this.stopped) return;
    const wait = Math.max(0, this.lastPushAt + this.minIntervalMs - Date.now());
    this.timer = setTimeout(() => void this.push(), wait);
  }

  private async push(): Promise<void> {
    this.timer = undefined;
    // Cleared before the read: a change during the read schedules the next push.
    this.dirty = false;
    this.pushing = true;
    try {
      if (this.audiences.every((a) => a.size() === 0)) return;
      const stats = await this.read();
      const serialized = JSON.stringify(stats);
      if (serialized === this.lastSent || this.stopped) return;
      this.lastSent = serialized;
      for (const audience of this.audiences) if (audience.size() > 0) audience.send(stats);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not push statistics');
    } finally {
      this.lastPushAt = Date.now();
      this.pushing = false;
      this.schedule();
    }
  }
}
