/**
 * npm run bench [-- --quick] [-- --only=throughput,latency,fanout,polling,workers,statistics,streaming,triage]
 *   [-- --streaming-levels=500 --streaming-instances=1,3] (overrides, e.g. for a profile of one level)
 * BENCH_POOLER=pgbouncer: the latency benchmark also measures the service through PgBouncer (transaction mode).
 * Runs the benchmarks against the built service (run `npm run build` first; the npm script
 * does), prints a table, and (full runs) writes bench/RESULTS.md and bench/results.json.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../server/paths.js';
import { type FanoutResult, fanoutBenchmark } from './fanout.js';
import { type LatencyResult, latencyBenchmark, type Percentiles } from './latency.js';
import { openDatabaseServer } from './lib/database.js';
import { streamingMarkdown, streamingRows } from './lib/streaming-report.js';
import { type PollingResult, pollingBenchmark } from './polling.js';
import { type StatisticsResult, statisticsBenchmark } from './statistics.js';
import { type StreamingResult, streamingBenchmark } from './streaming.js';
import { type ThroughputResult, throughputBenchmark } from './throughput.js';
import { type TriageBenchResult, triageBenchmark } from './triage.js';
import { type WorkersRow, workersBenchmark } from './workers.js';

const quick = process.argv.includes('--quick');
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const wanted = (name: string) => !only || only.includes(name);
const listArgument = (name: string) =>
  process.argv
    .find((a) => a.startsWith(`--${name}=`))
    ?.slice(name.length + 3)
    .split(',')
    .map(Number);
const cores = os.availableParallelism();

const SIZES = quick
  ? {
      messages: 1000,
      latencySeconds: 4,
      sockets: 500,
      fanoutRounds: 3,
      pollSeconds: 3,
      workerRounds: 2,
      workerMultipliers: [1, 4],
      historyMessages: 100_000,
      streaming: { levels: [50], instanceCounts: [1], answerTokens: 60, rampMs: 1000 },
    }
  : {
      messages: 5000,
      latencySeconds: 20,
      sockets: 5000,
      fanoutRounds: 5,
      pollSeconds: 10,
      workerRounds: 4,
      workerMultipliers: [1, 4, 16],
      historyMessages: 1_000_000,
      streaming: { levels: [100, 250, 500, 1000], instanceCounts: [1, 3], answerTokens: 400, rampMs: 5000 },
    };

interface Results {
  date: string;
  command: string;
  machine: Record<string, string | number>;
  throughput?: ThroughputResult;
  latency?: LatencyResult;
  fanout?: FanoutResult;
  polling?: PollingResult;
  workers?: WorkersRow[];
  statistics?: StatisticsResult;
  streaming?: StreamingResult;
  triage?: TriageBenchResult;
}

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
const percentiles = (p: Percentiles) =>
  `p50 ${fmt(p.p50Ms, 1)} ms, p95 ${fmt(p.p95Ms, 1)} ms, p99 ${fmt(p.p99Ms, 1)} ms`;

function tableOf(r: Results): string {
  const rows: string[][] = [['benchmark', 'result', 'target', '']];
  if (r.throughput) {
    const t = r.throughput;
    rows.push([
      `1. end-to-end throughput (${fmt(t.messages)} questions, ${t.concurrency} clients, MAX_WORKERS=${t.maxWorkers})`,
      `${fmt(t.serviceMessagesPerSecond)} msg/s vs floor ${fmt(t.floorMessagesPerSecond)} msg/s = ${fmt(t.ratio, 2)}×`,
      '≥ 1.0× floor',
      verdict(t.ratio >= 1),
    ]);
  }
  if (r.latency) {
    const l = r.latency;
    rows.push([
      `2. latency POST → completed event (${l.ratePerSecond}/s, ${fmt(l.messages)} questions)`,
      `p50 ${fmt(l.p50Ms, 1)} ms, p95 ${fmt(l.p95Ms, 1)} ms, p99 ${fmt(l.p99Ms, 1)} ms (max ${fmt(l.maxMs, 1)})` +
        (l.floor ? `; database floor (3 statements) ${percentiles(l.floor)}` : '') +
        (l.serviceStatements ? `; the service's 2 statements alone ${percentiles(l.serviceStatements)}` : '') +
        (l.throughPgBouncer
          ? `; the service through PgBouncer (transaction mode) ${percentiles(l.throughPgBouncer)}`
          : ''),
      'p50 ≤ 5 ms, p99 ≤ 25 ms',
      verdict(l.p50Ms <= 5 && l.p99Ms <= 25),
    ]);
  }
  if (r.fanout) {
    const f = r.fanout;
    rows.push([
      `3. fan-out to ${fmt(f.sockets)} /monitor sockets (${f.rounds} rounds)`,
      `last arrival median ${fmt(f.lastArrivalMedianMs, 1)} ms (max ${fmt(f.lastArrivalMaxMs, 1)}), ${fmt(f.serverBytesPerSocket / 1024, 1)} KB/socket`,
      '≤ 250 ms, ≤ 20 KB/socket',
      verdict(f.lastArrivalMedianMs <= 250 && f.serverBytesPerSocket <= 20 * 1024),
    ]);
  }
  if (r.polling) {
    const p = r.polling;
    rows.push([
      `4. polling GET /api/chat/:id (${p.connections} connections, ${p.seconds} s each in alternating slices)`,
      `${fmt(p.serviceRequestsPerSecond)} req/s vs bare ${fmt(p.bareRequestsPerSecond)} req/s = ${fmt(p.ratio, 2)}× (p99 ${fmt(p.serviceP99Ms, 1)} ms)`,
      '≥ 0.5× bare',
      verdict(p.ratio >= 0.5),
    ]);
  }
  for (const w of r.workers ?? []) {
    rows.push([
      `5. mock at 1 s, MAX_WORKERS=${w.maxWorkers} (${w.messages} questions)`,
      `${fmt(w.messagesPerSecond, 1)} msg/s (ideal ${fmt(w.idealMessagesPerSecond, 1)})`,
      'grows with workers',
      verdict(w.messagesPerSecond >= 0.8 * w.idealMessagesPerSecond),
    ]);
  }
  if (r.statistics) {
    const st = r.statistics;
    rows.push([
      `6. statistics read with ${fmt(st.messages)} messages stored`,
      `${fmt(st.totalsP50Ms, 1)} ms (running totals) vs ${fmt(st.scanP50Ms, 1)} ms (scan of every message)`,
      'flat in history size',
      verdict(st.totalsP50Ms <= 10),
    ]);
  }
  if (r.streaming) rows.push(...streamingRows(r.streaming));
  if (r.triage) {
    const t = r.triage;
    rows.push([
      `8. triage of a ${fmt(t.meanCharacters)}-character question (${fmt(t.questions)} questions, 5 languages)`,
      `p50 ${fmt(t.p50Ms, 2)} ms, p99 ${fmt(t.p99Ms, 2)} ms; CPU time p50 ${fmt(t.cpu.p50Ms, 2)} ms, p99 ${fmt(t.cpu.p99Ms, 2)} ms`,
      'p99 ≤ 1 ms',
      verdict(t.p99Ms <= 1),
    ]);
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(rows[0] ?? []), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.slice(1).map(line)].join(
    '\n',
  );
}

async function main() {
  const db = await openDatabaseServer();
  const results: Results = {
    date: new Date().toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      postgres: `${db.version} (${db.kind})`,
      os: `${os.type()} ${os.release()}`,
    },
  };
  console.log(`MedChat benchmarks${quick ? ' (quick)' : ''} on ${JSON.stringify(results.machine)}`);
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T | undefined> => {
    if (!wanted(name)) return undefined;
    const started = performance.now();
    process.stdout.write(`- ${name}… `);
    const value = await run();
    console.log(`done in ${fmt((performance.now() - started) / 1000, 1)} s: ${JSON.stringify(value)}`);
    return value;
  };
  try {
    results.throughput = await step('throughput', () =>
      throughputBenchmark({
        createDatabase: db.createDatabase,
        messages: SIZES.messages,
        concurrency: 64,
        maxWorkers: 64,
      }),
    );
    results.latency = await step('latency', async () =>
      latencyBenchmark({
        databaseUrl: await db.createDatabase(),
        createDatabase: db.createDatabase,
        ratePerSecond: 50,
        seconds: SIZES.latencySeconds,
      }),
    );
    results.fanout = await step('fanout', async () =>
      fanoutBenchmark({ databaseUrl: await db.createDatabase(), sockets: SIZES.sockets, rounds: SIZES.fanoutRounds }),
    );
    results.polling = await step('polling', async () =>
      pollingBenchmark({ databaseUrl: await db.createDatabase(), seconds: SIZES.pollSeconds, connections: 64 }),
    );
    results.workers = await step('workers', () =>
      workersBenchmark({
        createDatabase: db.createDatabase,
        workerCounts: SIZES.workerMultipliers.map((m) => m * cores),
        latencyMs: 1000,
        rounds: SIZES.workerRounds,
      }),
    );
    results.statistics = await step('statistics', async () =>
      statisticsBenchmark({ databaseUrl: await db.createDatabase(), messages: SIZES.historyMessages }),
    );
    results.streaming = await step('streaming', () =>
      streamingBenchmark({
        ...SIZES.streaming,
        levels: listArgument('streaming-levels') ?? SIZES.streaming.levels,
        instanceCounts: listArgument('streaming-instances') ?? SIZES.streaming.instanceCounts,
        adminUrl: db.adminUrl,
        createDatabase: db.createDatabase,
        tokensPerSecond: 20,
        firstTokenMs: 500,
      }),
    );
    results.triage = await step('triage', async () => triageBenchmark({ questions: quick ? 500 : 2000 }));
  } finally {
    await db.close();
  }
  const table = tableOf(results);
  console.log(`\n${table}\n`);
  if (results.streaming) console.log(`${streamingMarkdown(results.streaming)}\n`);
  if (!quick && !only) {
    await fs.writeFile(path.join(PROJECT_ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    await fs.writeFile(path.join(PROJECT_ROOT, 'bench', 'RESULTS.md'), resultsMarkdown(results, table));
    console.log('Wrote bench/RESULTS.md and bench/results.json');
  }
}

/** Where the latency goes, from this run's own references. */
function latencyNote(r: Results): string {
  const l = r.latency;
  if (!l?.serviceStatements || !l.floor) return '';
  const own = l.p50Ms - l.serviceStatements.p50Ms;
  return `
Latency, p50: the service's own two statements take ${fmt(l.serviceStatements.p50Ms, 1)} ms through pg at this rate
(two commits waiting for the disk, and an idle database backend to wake for each); HTTP, queue,
provider, relay and socket add ${fmt(own, 1)} ms to them, for ${fmt(l.p50Ms, 1)} ms in all, against ${fmt(l.floor.p50Ms, 1)} ms for
the three statements a plain client would run.
`;
}

function resultsMarkdown(r: Results, table: string): string {
  const m = r.machine;
  return `# Benchmark results

Produced by \`${r.command}\` on ${r.date.slice(0, 10)}.

Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; Node.js ${m.node}; PostgreSQL ${m.postgres}; ${m.os}.
The service runs as a child process from \`dist/\` with \`LOG_LEVEL=warn\`; the load generators
run in the bench process on the same machine, so they share its ${m.cores} cores. This machine is a
shared virtual machine whose speed varies from run to run (the bare HTTP server alone has measured
from 18,000 to 40,000 req/s on one day): read each result against its reference measured in the
same run (the database floor, the bare server), not against another run's numbers.

${table}
${latencyNote(r)}
${r.streaming ? `${streamingMarkdown(r.streaming)}\n` : ''}
What each measures is described at the top of its file in \`bench/\`. Raw numbers:
[\`results.json\`](results.json).
`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
