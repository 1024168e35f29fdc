/**
 * The dashboard's three uPlot charts. They follow the page's colours (redrawn when the system
 * switches between light and dark) and the width of their cards.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { byId } from './dom.js';
import type { StatsSeries } from './stats-history.js';

interface ChartSpec {
  containerId: string;
  label: string;
  /** The y axis never shrinks below this top, so an idle service shows a flat line at 0. */
  minTop: number;
  /** Counts get whole-number ticks only (no "0.5 waiting"). */
  whole?: boolean;
}

const SPECS: ChartSpec[] = [
  { containerId: 'chart-rate', label: 'msg/s', minTop: 1 },
  { containerId: 'chart-time', label: 'ms', minTop: 100 },
  { containerId: 'chart-queue', label: 'waiting', minTop: 1, whole: true },
];
const HEIGHT = 160;
const clockTime = uPlot.fmtDate('{HH}:{mm}:{ss}');
/** Whole seconds and minutes only: sub-second ticks (":47.500") mean nothing here. */
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300];
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

export class StatsCharts {
  private charts: uPlot[] = [];
  private data: StatsSeries = [[], [], [], []];

  constructor() {
    this.create();
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.create());
    window.addEventListener('resize', () => {
      for (const chart of this.charts) chart.setSize({ width: widthOf(chart.root.parentElement), height: HEIGHT });
    });
  }

  show(data: StatsSeries): void {
    this.data = data;
    const [times, ...columns] = data;
    for (const [i, chart] of this.charts.entries()) chart.setData([times, columns[i] ?? []]);
  }

  private create(): void {
    for (const chart of this.charts) chart.destroy();
    const css = getComputedStyle(document.documentElement);
    const line = css.getPropertyValue('--accent').trim() || '#0b6bcb';
    const axis = css.getPropertyValue('--muted').trim() || '#888';
    const grid = css.getPropertyValue('--border').trim() || '#ddd';
    this.charts = SPECS.map((spec) => {
      const container = byId(spec.containerId);
      return new uPlot(
        {
          width: widthOf(container),
          height: HEIGHT,
          series: [{}, { label: spec.label, stroke: line, width: 2, fill: `${line}22`, points: { show: false } }],
          axes: [
            {
              stroke: axis,
              grid: { show: false },
              ticks: { stroke: grid },
              space: 70,
              size: 32,
              incrs: TIME_STEPS,
              values: (_, ticks) => ticks.map((t) => clockTime(new Date(t * 1000))),
            },
            {
              stroke: axis,
              size: 50,
              grid: { stroke: grid, width: 1 },
              ticks: { stroke: grid },
              ...(spec.whole ? { incrs: WHOLE_STEPS } : {}),
            },
          ],
          scales: { x: { time: true }, y: { range: (_, __, max) => [0, Math.max(spec.minTop, max * 1.15)] } },
          cursor: { show: false },
          legend: { show: false },
        },
        [[], []],
        container,
      );
    });
    this.show(this.data);
  }
}

function widthOf(container: HTMLElement | null): number {
  return Math.max(240, container?.clientWidth || 320);
}
