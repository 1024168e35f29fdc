/**
 * The log of refused and failed socket requests, rate-limited: a flood of them is one summary
 * line per interval, not a line each. The first failure of an interval is logged in full (with
 * its error), the others are counted in the summary.
 */
import type { Logger } from 'pino';

const SUMMARY_INTERVAL_MS = 10_000;

export class SocketRefusalLog {
  private refusedByEvent = new Map<string, number>();
  private sockets = new Set<string>();
  private disconnects = 0;
  private failuresNotLogged = 0;
  private failureLogged = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = SUMMARY_INTERVAL_MS,
  ) {
    this.timer = setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
  }

  refused(event: string, socketId: string): void {
    this.refusedByEvent.set(event, (this.refusedByEvent.get(event) ?? 0) + 1);
    this.sockets.add(socketId);
  }

  /** Cut off for going on past its refusals. */
  disconnected(socketId: string): void {
    this.disconnects += 1;
    this.sockets.add(socketId);
  }

  failed(event: string, socketId: string, error: unknown): void {
    if (this.failureLogged) {
      this.failuresNotLogged += 1;
      return;
    }
    this.failureLogged = true;
    this.logger.warn({ err: error, event, socketId }, 'socket handler failed');
  }

  /** The summary of the interval, if anything happened in it. */
  flush(): void {
    const refused = [...this.refusedByEvent.values()].reduce((sum, n) => sum + n, 0);
    if (refused + this.disconnects + this.failuresNotLogged > 0) {
      const seconds = Math.round(this.intervalMs / 1000);
      const cutOff = this.disconnects > 0 ? `, disconnected ${this.disconnects} that kept on` : '';
      this.logger.warn(
        {
          refused: Object.fromEntries(this.refusedByEvent),
          sockets: this.sockets.size,
          disconnected: this.disconnects,
          failuresNotLogged: this.failuresNotLogged,
        },
        `refused ${refused} socket requests from ${this.sockets.size} sockets in the last ${seconds} s${cutOff}`,
      );
    }
    this.refusedByEvent = new Map();
    this.sockets = new Set();
    this.disconnects = 0;
    this.failuresNotLogged = 0;
    this.failureLogged = false;
  }

  /** Stops the summaries, writing the last one. */
  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
