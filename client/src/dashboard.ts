/**
 * The live dashboard: every field of the statistics, pushed over /monitor (no polling while the
 * socket is up; REST polling while it is not), and charts over the last five minutes.
 */
import { io, type Socket } from 'socket.io-client';
import type { Statistics } from '../../shared/rest.js';
import type { MonitorClientToServerEvents, MonitorServerToClientEvents } from '../../shared/socket-events.js';
import { MONITOR_NAMESPACE } from '../../shared/socket-names.js';
import { api, tokens } from './api.js';
import { byId, el } from './dom.js';
import { StatsCharts } from './stats-charts.js';
import { StatsHistory } from './stats-history.js';
import { askForToken } from './token-dialog.js';

const FIELDS: Array<[keyof Statistics, string, (n: number) => string]> = [
  ['messagesProcessed', 'Messages processed', (n) => n.toLocaleString()],
  ['messagesSucceeded', 'Succeeded', (n) => n.toLocaleString()],
  ['messagesFailed', 'Failed', (n) => n.toLocaleString()],
  ['messagesCancelled', 'Cancelled', (n) => n.toLocaleString()],
  ['successRate', 'Success rate', (n) => `${(n * 100).toFixed(1)} %`],
  ['queueLength', 'Queue length', (n) => n.toLocaleString()],
  ['activeWorkers', 'Active workers', (n) => n.toLocaleString()],
  ['idleWorkers', 'Idle workers', (n) => n.toLocaleString()],
  ['maxWorkers', 'Max workers', (n) => n.toLocaleString()],
  ['totalRetries', 'Retries', (n) => n.toLocaleString()],
  ['averageProcessingTimeMs', 'Average answer time', (n) => `${Math.round(n).toLocaleString()} ms`],
  ['averageTokensPerMessage', 'Tokens per message', (n) => Math.round(n).toLocaleString()],
  ['totalTokensUsed', 'Tokens used', (n) => n.toLocaleString()],
];
const POLL_MS = 2000;
const TICK_MS = 1000;

export class Dashboard {
  private readonly history = new StatsHistory();
  private readonly values = new Map<keyof Statistics, HTMLElement>();
  private charts: StatsCharts | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private started = false;

  /** Starts when first shown, so the chat alone opens no monitor socket. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const list = byId('stats');
    for (const [field, label] of FIELDS) {
      const value = el('dd', { text: '–', attrs: { 'data-field': field } });
      this.values.set(field, value);
      list.append(el('div', { className: 'stat' }, [el('dt', { text: label }), value]));
    }
    this.charts = new StatsCharts();
    const source = byId('dashboard-source');
    const socket: Socket<MonitorServerToClientEvents, MonitorClientToServerEvents> = io(MONITOR_NAMESPACE, {
      auth: (send) => send({ token: tokens.monitor() }),
      reconnectionDelayMax: 5000,
    });
    socket.on('connect', () => {
      this.stopPolling();
      source.dataset.mode = 'live';
      source.textContent = 'Live';
    });
    socket.on('disconnect', () => this.startPolling(source));
    socket.on('connect_error', async (error) => {
      this.startPolling(source);
      if (/unauthorized/.test(error.message)) {
        const token = await askForToken('The dashboard needs the monitoring token (MONITOR_TOKEN).');
        if (token) {
          tokens.setMonitor(token);
          socket.connect();
        }
      }
    });
    socket.on('stats', (stats) => this.show(stats));
    // Move the charts along each second even when nothing changes (no request is made).
    setInterval(() => {
      const latest = this.history.latest;
      if (latest) this.record(latest);
    }, TICK_MS);
  }

  private show(stats: Statistics): void {
    for (const [field, , format] of FIELDS) {
      const value = this.values.get(field);
      if (value) value.textContent = format(stats[field]);
    }
    this.record(stats);
  }

  private record(stats: Statistics): void {
    this.history.add({ time: Date.now() / 1000, stats });
    this.charts?.show(this.history.series());
  }

  private startPolling(source: HTMLElement): void {
    if (this.pollTimer) return;
    // Set once: a status region re-announces each write, and reconnect attempts come every few seconds.
    source.dataset.mode = 'polling';
    source.textContent = 'Updating every 2 s';
    const poll = () =>
      api.statistics().then(
        (stats) => this.show(stats),
        () => undefined,
      );
    void poll();
    this.pollTimer = setInterval(poll, POLL_MS);
  }

  private stopPolling(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }
}
