/** The streaming benchmark's lines in the summary table, and its own table of every level. */
import type { Capacity, StreamingResult, StreamingRun } from '../streaming.js';

const TARGET_STREAMS = 500;
const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';

function capacityText(c: Capacity): string {
  if (c.bound === 'above') return `> ${fmt(c.streams)}`;
  if (c.bound === 'below') return `< ${fmt(c.streams)}`;
  return `≈ ${fmt(c.streams)}`;
}

/** The run's capacity over the floor's, and whether it is at least half; undefined when a bound hides it. */
function ratioOf(run: Capacity, floor: Capacity): { text: string; atLeastHalf: boolean | undefined } {
  const r = run.streams / floor.streams;
  const exact = (c: Capacity) => c.bound === 'interpolated';
  if (exact(run) && exact(floor)) return { text: `${fmt(r, 2)}× the floor's`, atLeastHalf: r >= 0.5 };
  if (run.bound === 'above' && floor.bound === 'above')
    return { text: "?× the floor's (both beyond the levels measured)", atLeastHalf: true };
  // The floor beyond the levels: the ratio is below r. The run beyond them: above r.
  if (floor.bound === 'above') return { text: `< ${fmt(r, 2)}× the floor's`, atLeastHalf: r < 0.5 ? false : undefined };
  if (run.bound === 'above') return { text: `> ${fmt(r, 2)}× the floor's`, atLeastHalf: r >= 0.5 ? true : undefined };
  if (run.bound === 'below' && exact(floor))
    return { text: `< ${fmt(r, 2)}× the floor's`, atLeastHalf: r < 0.5 ? false : undefined };
  return { text: "n/a× the floor's", atLeastHalf: undefined };
}

/** The level the lag target applies to: 500 streams, or the largest level below it (--quick). */
function checkedLevel(run: StreamingRun) {
  return run.levels.filter((l) => l.streams <= TARGET_STREAMS).at(-1);
}

/** Met: p99 ≤ the limit at 500 streams (or the largest level below), every answer whole, ≥ 0.5× floor. */
function verdict(run: StreamingRun, floor: StreamingRun, limitMs: number): string {
  const checked = checkedLevel(run);
  if (!checked) return 'n/a';
  if (!(checked.lagP99Ms <= limitMs) || run.levels.some((l) => l.whole < l.streams)) return 'MISSED';
  const { atLeastHalf } = ratioOf(run.capacity, floor.capacity);
  if (atLeastHalf === undefined) return `met at ${fmt(checked.streams)}; ratio unknown`;
  return atLeastHalf ? 'met' : 'MISSED (vs floor)';
}

export function streamingRows(r: StreamingResult): string[][] {
  const floor = r.runs.find((run) => run.name === 'floor');
  const describe = (run: StreamingRun) =>
    `p99 ${run.levels.map((l) => `${fmt(l.streams)}: ${fmt(l.lagP99Ms)} ms`).join(', ')}; capacity ${capacityText(run.capacity)} streams` +
    (floor && run !== floor ? ` = ${ratioOf(run.capacity, floor.capacity).text}` : '') +
    (run.levels.every((l) => l.whole === l.streams) ? '; every answer whole' : '; ANSWERS BROKEN');
  return r.runs.map((run) => [
    `7. streaming, ${run.name} (${r.answerTokens} tokens at ${r.tokensPerSecond}/s each)`,
    describe(run),
    run === floor
      ? 'reference'
      : `p99 ≤ ${r.limitMs} ms at ${fmt(checkedLevel(run)?.streams ?? TARGET_STREAMS)}, ≥ 0.5× floor`,
    run === floor || !floor ? '' : verdict(run, floor, r.limitMs),
  ]);
}

/** Every level of every run: lag, CPU (in cores), the NOTIFY queue, the machine's load. */
export function streamingMarkdown(r: StreamingResult): string {
  const header =
    '| run | streams | lag p50 | lag p99 (steady) | p99 all | whole | server CPU | PG db backends | PG cluster | fake model | bench client | machine busy | commits/s | NOTIFY queue max | backends max | load 1m |';
  const rows = r.runs.flatMap((run) =>
    run.levels.map((l) => {
      const u = l.usage;
      return `| ${run.name} | ${fmt(l.streams)} | ${fmt(l.lagP50Ms)} ms | ${fmt(l.lagP99Ms)} ms | ${fmt(l.lagP99AllMs)} ms | ${l.whole}/${l.streams} | ${u.serverCores.map((c) => fmt(c, 2)).join(' + ')} | ${fmt(u.postgresDatabaseCores, 2)} | ${fmt(u.postgresClusterCores, 2)} | ${fmt(u.fakeModelCores, 2)} | ${fmt(u.benchClientCores, 2)} | ${fmt(u.machineBusyCores, 2)} | ${fmt(u.commitsPerSecond)} | ${fmt(u.notifyQueueUsageMax * 100, 2)}% | ${u.databaseBackendsMax} | ${fmt(u.loadAverage1m, 1)} |`;
    }),
  );
  const notes = r.runs.flatMap((run) =>
    run.levels
      .filter((l) => Object.keys(l.problems).length + Object.keys(l.serverWarnings).length > 0)
      .map(
        (l) =>
          `- ${run.name}, ${fmt(l.streams)} streams: answers not whole ${JSON.stringify(l.problems)}; ` +
          `server warnings ${JSON.stringify(l.serverWarnings)}`,
      ),
  );
  const separator = `|${header
    .split('|')
    .slice(1, -1)
    .map(() => ' --- ')
    .join('|')}|`;
  return [
    `Streaming (benchmark 7): ${r.answerTokens} tokens per answer at ${r.tokensPerSecond} tokens/s, first token after ${r.firstTokenMs} ms, questions started over ${r.rampMs / 1000} s; lag = token sent by the fake model → received by the client. CPU in cores (1 = one core busy for the whole level); lag to the millisecond (Date.now()).`,
    '',
    header,
    separator,
    ...rows,
    ...(notes.length > 0 ? ['', ...notes] : []),
    '',
    `Capacity (streams at which the steady p99 crosses ${r.limitMs} ms): ${r.runs.map((run) => `${run.name} ${capacityText(run.capacity)}`).join('; ')}.`,
  ].join('\n');
}
