/**
 * The dashboard's charts over the last minutes, from successive statistics: messages per second
 * (the change of messagesProcessed over time), average answer time, queue length.
 */
import type { Statistics } from '../../shared/rest.js';

export interface StatsSample {
  /** Seconds since the epoch. */
  time: number;
  stats: Statistics;
}

export class StatsHistory {
  private readonly samples: StatsSample[] = [];

  constructor(private readonly windowSeconds = 300) {}

  add(sample: StatsSample): void {
    this.samples.push(sample);
    const oldest = sample.time - this.windowSeconds;
    while (this.samples.length > 0 && (this.samples[0] as StatsSample).time < oldest) this.samples.shift();
  }

  get latest(): Statistics | undefined {
    return this.samples.at(-1)?.stats;
  }

  /** Columns for the charts: times, then rate, average answer time and queue length. */
  series(): [number[], number[], number[], number[]] {
    const times: number[] = [];
    const rate: number[] = [];
    const answerTime: number[] = [];
    const queue: number[] = [];
    for (const [i, sample] of this.samples.entries()) {
      const previous = this.samples[i - 1];
      const seconds = previous ? sample.time - previous.time : 0;
      const processed = previous ? sample.stats.messagesProcessed - previous.stats.messagesProcessed : 0;
      times.push(sample.time);
      rate.push(seconds > 0 ? Math.max(0, processed / seconds) : 0);
      answerTime.push(sample.stats.averageProcessingTimeMs);
      queue.push(sample.stats.queueLength);
    }
    return [times, rate, answerTime, queue];
  }
}
