/**
 * 7. Streaming capacity: how many answers can stream at once. The service answers through its
 * OpenAI provider against a fake model in its own process (lib/fake-openai-server.ts) that
 * streams every answer at a steady rate over real HTTP, each token carrying its send time; every
 * answer is watched by its own lean Socket.IO client, so each token's lag (sent by the model →
 * received by the client, on the machine's one clock) is measured. Questions start evenly over
 * a ramp, so at each level that many answers stream at once between the last start and the
 * first end (the steady window, where the lag percentiles are taken).
 *
 * Targets: the floor (lib/floor-relay-server.ts: a bare Socket.IO relay of the same streams, no
 * database), one instance, and N instances on one database; questions go round-robin to the
 * instances, and answer j is watched from instance (j + ⌊j/N⌋) mod N, so 1 in N is watched on
 * the instance that streams it. All run side by side, measured in turn at each level (idle while
 * the others are measured). Capacity: the streams at which the steady p99 crosses LIMIT_MS.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AnswerWatch, LagLog } from './lib/answer-watch.js';
import { percentile } from './lib/http-client.js';
import { connectLeanSocket, type LeanSocket } from './lib/monitor-sockets.js';
import { startScript } from './lib/script-process.js';
import { startServer } from './lib/server-process.js';
import { type LevelUsage, startSampling } from './lib/stream-sampler.js';

/** The lag a streamed token may take: the capacity threshold. */
export const LIMIT_MS = 250;

export interface StreamingParams {
  adminUrl: string;
  createDatabase(): Promise<string>;
  levels: number[];
  instanceCounts: number[];
  answerTokens: number;
  tokensPerSecond: number;
  firstTokenMs: number;
  rampMs: number;
}

export interface StreamingLevel {
  streams: number;
  tokensReceived: number;
  /** Lag percentiles of the tokens sent in the steady window (all tokens when it is empty). */
  steadySeconds: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  /** Over every token of the level, ramp and drain included. */
  lagP99AllMs: number;
  /** p99 of the tokens sent in each TIMELINE_MS of the level: flat is jitter, rising is a queue. */
  lagP99Timeline: number[];
  whole: number;
  /** What was wrong with the answers that were not whole, by kind (numbers left out), and how many. */
  problems: Record<string, number>;
  /** Warnings and errors the servers logged during the level, by message. */
  serverWarnings: Record<string, number>;
  usage: LevelUsage;
}

/** Capacity: `streams` exactly (interpolated), or beyond / below the levels measured. */
export interface Capacity {
  streams: number;
  bound: 'interpolated' | 'above' | 'below';
}

export interface StreamingRun {
  name: string;
  instances: number;
  levels: StreamingLevel[];
  capacity: Capacity;
}

export interface StreamingResult {
  answerTokens: number;
  tokensPerSecond: number;
  firstTokenMs: number;
  rampMs: number;
  limitMs: number;
  runs: StreamingRun[];
}

interface Target {
  name: string;
  urls: string[];
  askPath: string;
  pids: number[];
  databaseName?: string;
  /** What the servers logged at warn and above so far, by message. */
  warnings(): Record<string, number>;
}

interface Bench {
  params: StreamingParams;
  fake: { url: string; pid: number };
  epochMs: number;
}

export async function streamingBenchmark(params: StreamingParams): Promise<StreamingResult> {
  const epochMs = Date.now();
  const fake = await startScript('fake-openai-server.ts', {
    FAKE_EPOCH_MS: String(epochMs),
    FAKE_TOKENS_PER_SECOND: String(params.tokensPerSecond),
    FAKE_FIRST_TOKEN_MS: String(params.firstTokenMs),
    FAKE_TOKENS: String(params.answerTokens),
  });
  const bench: Bench = { params, fake, epochMs };
  const targets: RunningTarget[] = [];
  let runs: StreamingRun[];
  try {
    targets.push(await startFloor(bench));
    for (const instances of params.instanceCounts) targets.push(await startInstances(bench, instances));
    const levels = await interleaved(bench, targets);
    runs = targets.map((target, i) => ({
      name: target.name,
      instances: target.urls.length,
      levels: levels[i] ?? [],
      capacity: capacityOf(levels[i] ?? []),
    }));
  } finally {
    await Promise.all(targets.map((target) => target.stop()));
    await fake.stop();
  }
  const { answerTokens, tokensPerSecond, firstTokenMs, rampMs } = params;
  return { answerTokens, tokensPerSecond, firstTokenMs, rampMs, limitMs: LIMIT_MS, runs };
}

interface RunningTarget extends Target {
  stop(): Promise<void>;
}

async function startFloor(bench: Bench): Promise<RunningTarget> {
  const floor = await startScript('floor-relay-server.ts', { FLOOR_OPENAI_BASE_URL: `${bench.fake.url}/v1` });
  return {
    name: 'floor',
    urls: [floor.url],
    askPath: '/ask',
    pids: [floor.pid],
    warnings: () => ({}),
    stop: floor.stop,
  };
}

async function startInstances(bench: Bench, instances: number): Promise<RunningTarget> {
  const databaseUrl = await bench.params.createDatabase();
  const env = {
    DATABASE_URL: databaseUrl,
    LLM_PROVIDER: 'openai',
    OPENAI_BASE_URL: `${bench.fake.url}/v1`,
    LLM_MODEL: 'bench-model',
    // Answers wait on the model, not the CPU: one worker per stream.
    MAX_WORKERS: String(Math.max(...bench.params.levels) + 50),
    QUEUE_MAXSIZE: '1000000',
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
  };
  const servers: Awaited<ReturnType<typeof startServer>>[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    // One after the other: each runs the migrations on start.
    for (let i = 0; i < instances; i++) servers.push(await startServer(env));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name: instances === 1 ? '1 instance' : `${instances} instances`,
    urls: servers.map((s) => s.url),
    askPath: '/api/chat',
    pids: servers.map((s) => s.pid),
    databaseName: new URL(databaseUrl).pathname.slice(1),
    warnings: () => sumCounts(servers.map((s) => s.warnings())),
    stop,
  };
}

/**
 * A short level on each target first, not counted (JIT, pools, first connections); then level by
 * level, the targets in turn, so the drift of a shared machine falls on all of them alike.
 */
async function interleaved(bench: Bench, targets: Target[]): Promise<StreamingLevel[][]> {
  const { levels, answerTokens } = bench.params;
  for (const target of targets) await runLevel(bench, target, Math.min(20, ...levels), Math.min(20, answerTokens));
  const results: StreamingLevel[][] = targets.map(() => []);
  for (const streams of levels) {
    for (const [i, target] of targets.entries()) {
      await sleep(1000); // the last level's closing sockets and idle connections settle
      const level = await runLevel(bench, target, streams, answerTokens);
      console.log(`  ${target.name}, ${streams} streams: ${JSON.stringify(level)}`);
      results[i]?.push(level);
    }
  }
  return results;
}

async function connectSpread(urls: string[], count: number): Promise<LeanSocket[]> {
  const sockets: LeanSocket[] = [];
  const batch = 250; // a thundering herd would measure the accept queue
  for (let i = 0; i < count; i += batch) {
    const group = Array.from({ length: Math.min(batch, count - i) }, (_, k) => {
      const j = i + k;
      return connectLeanSocket(urls[(j + Math.floor(j / urls.length)) % urls.length] as string, '/');
    });
    sockets.push(...(await Promise.all(group)));
  }
  return sockets;
}

/** Starts `count` tasks evenly over `rampMs`; resolves when every task has resolved. */
async function ramp(count: number, rampMs: number, start: (j: number) => Promise<void>): Promise<void> {
  const t0 = performance.now();
  const started: Promise<void>[] = [];
  for (let j = 0; j < count; j++) {
    const wait = t0 + (j * rampMs) / count - performance.now();
    if (wait >= 1) await sleep(wait);
    started.push(start(j));
  }
  await Promise.all(started);
}

async function runLevel(bench: Bench, target: Target, streams: number, tokens: number): Promise<StreamingLevel> {
  const { params, fake, epochMs } = bench;
  await fetch(`${fake.url}/reset`, { method: 'POST', body: JSON.stringify({ tokens }) });
  const sockets = await connectSpread(target.urls, streams);
  const lags = new LagLog();
  const run = `${target.name.replace(/\W+/g, '')}-${streams}-${Date.now().toString(36)}`;
  const watches = sockets.map((socket, j) => new AnswerWatch(socket, `${run}-${j}`, epochMs, lags));
  const warningsBefore = target.warnings();
  const sampling = await startSampling({
    adminUrl: params.adminUrl,
    databaseName: target.databaseName,
    serverPids: target.pids,
    fakeModelPid: fake.pid,
  });
  try {
    await ramp(streams, params.rampMs, (j) => {
      const watch = watches[j] as AnswerWatch;
      const askUrl = `${target.urls[j % target.urls.length]}${target.askPath}`;
      return watch.start(askUrl, `[stream ${watch.key}] What helps a sore throat at night?`);
    });
    const answerMs = params.firstTokenMs + (1000 * tokens) / params.tokensPerSecond;
    // Unreferenced: a pending timer must not hold the process open after the benchmark.
    await Promise.race([
      Promise.all(watches.map((w) => w.finished)),
      sleep(answerMs + 60_000, undefined, { ref: false }),
    ]);
  } finally {
    for (const socket of sockets) socket.close();
  }
  const usage = await sampling.stop();
  const sent = (await (await fetch(`${fake.url}/sent`)).json()) as Record<string, string>;
  const problems = watches.map((w) => w.problem(sent[w.key])).filter((p): p is string => p !== undefined);
  return {
    streams,
    ...lagSummary(lags, watches),
    whole: streams - problems.length,
    problems: countByKind(problems),
    serverWarnings: sumCounts([target.warnings()], warningsBefore),
    usage,
  };
}

function lagSummary(lags: LagLog, watches: AnswerWatch[]) {
  const from = Math.max(...watches.map((w) => w.firstSentAt));
  const to = Math.min(...watches.map((w) => w.lastSentAt));
  const all = [...lags.lagMs].sort((a, b) => a - b);
  const steady =
    from < to
      ? lags.lagMs.filter((_, i) => (lags.sentAt[i] as number) >= from && (lags.sentAt[i] as number) <= to)
      : all;
  steady.sort((a, b) => a - b);
  return {
    tokensReceived: all.length,
    steadySeconds: from < to ? (to - from) / 1000 : 0,
    lagP50Ms: percentile(steady, 50),
    lagP99Ms: percentile(steady, 99),
    lagMaxMs: steady.at(-1) ?? Number.NaN,
    lagP99AllMs: percentile(all, 99),
    lagP99Timeline: timeline(lags),
  };
}

function countByKind(problems: string[]): Record<string, number> {
  return sumCounts(problems.map((problem) => ({ [problem.replace(/\d+/g, '#')]: 1 })));
}

/** The counts added up, less `minus`; kinds that come to 0 are left out. */
function sumCounts(counts: Array<Record<string, number>>, minus: Record<string, number> = {}): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const count of counts) for (const [kind, n] of Object.entries(count)) sum[kind] = (sum[kind] ?? 0) + n;
  for (const [kind, n] of Object.entries(minus)) sum[kind] = (sum[kind] ?? 0) - n;
  for (const kind of Object.keys(sum)) if (sum[kind] === 0) delete sum[kind];
  return sum;
}

const TIMELINE_MS = 2500;

function timeline(lags: LagLog): number[] {
  const start = lags.sentAt.reduce((min, t) => Math.min(min, t), Number.POSITIVE_INFINITY);
  const buckets: number[][] = [];
  for (const [i, sentAt] of lags.sentAt.entries()) {
    const bucket = Math.floor((sentAt - start) / TIMELINE_MS);
    buckets[bucket] ??= [];
    buckets[bucket].push(lags.lagMs[i] as number);
  }
  return Array.from(buckets, (b) =>
    percentile(
      (b ?? []).sort((x, y) => x - y),
      99,
    ),
  );
}

/**
 * Where the steady p99 crosses LIMIT_MS for good, interpolated between the last level within it
 * (answers whole too) and the next. A level over the limit below one within it is the machine's
 * noise, not the crossing (lag does not fall as streams grow); the table shows it as measured.
 */
export function capacityOf(levels: StreamingLevel[]): Capacity {
  const within = (l: StreamingLevel) => l.lagP99Ms <= LIMIT_MS && l.whole === l.streams;
  const last = levels.findLastIndex(within);
  const low = levels[last];
  const high = levels[last + 1];
  if (!low) return { streams: levels[0]?.streams ?? 0, bound: 'below' };
  if (!high) return { streams: low.streams, bound: 'above' };
  if (!(high.lagP99Ms > LIMIT_MS)) return { streams: low.streams, bound: 'interpolated' }; // broken, not slow
  const share = (LIMIT_MS - low.lagP99Ms) / (high.lagP99Ms - low.lagP99Ms);
  return { streams: Math.round(low.streams + share * (high.streams - low.streams)), bound: 'interpolated' };
}
