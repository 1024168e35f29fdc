/**
 * The dashboard's charts over the last minutes, from successive statistics: messages per second
 * (the change of messagesProcessed over a few seconds), average answer time, queue length.
 */
import type { Statistics } from '../../shared/rest.js';

export interface StatsSample {
  /** Seconds since the epoch. */
  time: number;
  stats: Statistics;
}

/** Columns for the charts: times, then rate, average answer time and queue length. */
export type StatsSeries = [number[], number[], number[], number[]];

export class StatsHistory {
  private readonly samples: StatsSample[] = [];

  /**
   * @param windowSeconds how much history the charts keep
   * @param rateSeconds the rate is the change over this span: a burst pushed a few hundred
   *   milliseconds after the previous sample would otherwise read as a spike of tens per second
   */
  constructor(
    private readonly windowSeconds = 300,
    private readonly rateSeconds = 5,
  ) {}

  add(sample: StatsSample): void {
    this.samples.push(sample);
    const oldest = sample.time - this.windowSeconds;
    while (this.samples.length > 0 && (this.samples[0] as StatsSample).time < oldest) this.samples.shift();
  }

  get latest(): Statistics | undefined {
    return this.samples.at(-1)?.stats;
  }

  series(): StatsSeries {
    const times: number[] = [];
    const rate: number[] = [];
    const answerTime: number[] = [];
    const queue: number[] = [];
    let start = 0;
    for (const sample of this.samples) {
      // The earliest sample still within rateSeconds before this one (or the one just before).
      while ((this.samples[start] as StatsSample).time < sample.time - this.rateSeconds) start++;
      const from = this.samples[start] === sample ? this.samples[start - 1] : this.samples[start];
      const seconds = from ? sample.time - from.time : 0;
      const processed = from ? sample.stats.messagesProcessed - from.stats.messagesProcessed : 0;
      times.push(sample.time);
      rate.push(seconds > 0 ? Math.max(0, processed / Math.max(seconds, 1)) : 0);
      answerTime.push(sample.stats.averageProcessingTimeMs);
      queue.push(sample.stats.queueLength);
    }
    return [times, rate, answerTime, queue];
  }
}
