/**
 * The live dashboard: every field of the statistics, pushed over /monitor (no polling while the
 * socket is up; REST polling while it is not), and charts over the last five minutes.
 */
import { io } from 'socket.io-client';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Statistics } from '../../shared/rest.js';
import type { MonitorServerToClientEvents } from '../../shared/socket-events.js';
import { MONITOR_NAMESPACE } from '../../shared/socket-names.js';
import { api, tokens } from './api.js';
import { byId, el } from './dom.js';
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
  private charts: uPlot[] = [];
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
    this.createCharts();
    const source = byId('dashboard-source');
    const socket = io(MONITOR_NAMESPACE, {
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
    (socket as unknown as { on: MonitorOn }).on('stats', (stats) => this.show(stats));
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
    const [times, ...columns] = this.history.series();
    for (const [i, chart] of this.charts.entries()) chart.setData([times, columns[i] ?? []]);
  }

  private startPolling(source: HTMLElement): void {
    source.dataset.mode = 'polling';
    source.textContent = 'Updating every 2 s';
    if (this.pollTimer) return;
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

  private createCharts(): void {
    const color = getComputedStyle(document.documentElement).getPropertyValue('--accent').trim() || '#0b6bcb';
    const axis = getComputedStyle(document.documentElement).getPropertyValue('--muted').trim() || '#888';
    for (const [id, label] of [
      ['chart-rate', 'msg/s'],
      ['chart-time', 'ms'],
      ['chart-queue', 'waiting'],
    ] as const) {
      const container = byId(id);
      const width = Math.max(260, container.clientWidth || 320);
      const chart = new uPlot(
        {
          width,
          height: 160,
          series: [{}, { label, stroke: color, width: 2, fill: `${color}22`, points: { show: false } }],
          axes: [
            { stroke: axis, grid: { show: false } },
            { stroke: axis, size: 50 },
          ],
          scales: { x: { time: true } },
          cursor: { show: false },
          legend: { show: false },
        },
        [[], []],
        container,
      );
      this.charts.push(chart);
    }
    window.addEventListener('resize', () => {
      for (const chart of this.charts) {
        const parent = chart.root.parentElement;
        if (parent) chart.setSize({ width: Math.max(260, parent.clientWidth), height: 160 });
      }
    });
  }
}

type MonitorOn = <E extends keyof MonitorServerToClientEvents>(
  event: E,
  listener: MonitorServerToClientEvents[E],
) => void;
