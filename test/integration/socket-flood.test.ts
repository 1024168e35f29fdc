/**
 * A subscribe flood against the real server process (issue 16): 100 sockets × 2,000 subscribes
 * with random ids. Throughout, a health check plus a question round trip stays under 3 s, the
 * server's memory stays bounded and its log does not grow a line per refusal; SIGTERM right after
 * ends the process, and every process of it, within 20 s.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { useTestDatabaseForFile } from '../helpers/database.js';
import { request } from '../helpers/http.js';
import {
  cpuSeconds,
  descendantsOf,
  isRunning,
  residentMegabytes,
  type ServerProcess,
  startServerProcess,
} from '../helpers/process.js';
import { type Flood, startSubscribeFlood } from '../helpers/subscribe-flood.js';

const SOCKETS = 100;
const SUBSCRIBES_PER_SOCKET = 2000;
/** 10 subscribes per socket every 50 ms: 20,000 a second in all, the 200,000 in about 10 s. */
const PACE = { perTick: 10, tickMs: 50 };
const FLOOD_SEND_MS = (SUBSCRIBES_PER_SOCKET / PACE.perTick) * PACE.tickMs;
const PROBE_EVERY_MS = 250;
const PROBE_LIMIT_MS = 3000;
/** A probe is given up after this (and counted as failed). */
const PROBE_TIMEOUT_MS = 5000;
/** A flood not answered by then is stopped, its unanswered subscribes counted. */
const FLOOD_LIMIT_MS = 40_000;
const RSS_LIMIT_MB = 700;
const WARNING_LINES_LIMIT = 50;
const EXIT_LIMIT_MS = 20_000;

const db = useTestDatabaseForFile();
let server: ServerProcess | undefined;
let flood: Flood | undefined;
afterEach(async () => {
  flood?.stop();
  await server?.kill('SIGKILL');
});

interface Probe {
  ms: number;
  error?: string;
}

/** One health check and one question round trip (POST, then GET until it is answered). */
async function probeOnce(url: string): Promise<Probe> {
  const started = performance.now();
  const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS);
  try {
    const health = await request(url, '/health', { signal });
    if (health.status !== 200) throw new Error(`/health answered ${health.status}`);
    const asked = await request(url, '/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'Is it safe to take ibuprofen with food?' }),
      signal,
    });
    if (asked.status !== 202) throw new Error(`POST /api/chat answered ${asked.status}`);
    for (;;) {
      const state = await request(url, `/api/chat/${asked.body.messageId as string}`, { signal });
      if (state.body.status === 'completed') return { ms: performance.now() - started };
      if (state.body.status === 'failed') throw new Error('the question failed');
      await sleep(20);
    }
  } catch (error) {
    return { ms: performance.now() - started, error: String(error) };
  }
}

/** Probes one after another, one starting every PROBE_EVERY_MS (or when the last ends), until stopped. */
function startProbes(url: string) {
  const probes: Probe[] = [];
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const probe = await probeOnce(url);
      probes.push(probe);
      await sleep(Math.max(0, PROBE_EVERY_MS - probe.ms));
    }
  })();
  return {
    probes,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

/** The largest resident memory of the process, sampled every 100 ms until stopped. */
function sampleMemory(pid: number) {
  let maxMb = residentMegabytes(pid) ?? 0;
  const timer = setInterval(() => {
    maxMb = Math.max(maxMb, residentMegabytes(pid) ?? 0);
  }, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return maxMb;
    },
  };
}

/** Lines of the log at warn or above (pino's levels 40 and up), and anything that is not pino's. */
function warningLines(output: string): string[] {
  return output.split('\n').filter((line) => {
    const level = /^\{"level":(\d+)/.exec(line)?.[1];
    return level === undefined ? line.trim() !== '' : Number(level) >= 40;
  });
}

/** An SSE stream, open (its first event read) until abort(). */
async function openStream(url: string): Promise<AbortController> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  if (response.status !== 200 || !response.body) throw new Error(`${url} answered ${response.status}`);
  const reader = response.body.getReader();
  await reader.read();
  // The server ends it when it stops: that is no failure.
  void reader.closed.catch(() => undefined);
  return controller;
}

/**
 * Sends SIGTERM; the time until the process and every process under it had exited, or undefined
 * if one was still running at the limit.
 */
async function timeSigterm(target: ServerProcess): Promise<number | undefined> {
  const children = descendantsOf(target.child.pid as number);
  const started = performance.now();
  target.child.kill('SIGTERM');
  const exited = await Promise.race([target.exited.then(() => true), sleep(EXIT_LIMIT_MS).then(() => false)]);
  if (!exited) return undefined;
  // Children (tsx's esbuild) notice that their parent is gone when their pipes close.
  while (children.some(isRunning)) {
    if (performance.now() - started > EXIT_LIMIT_MS) return undefined;
    await sleep(50);
  }
  return performance.now() - started;
}

it('a subscribe flood leaves the service answering, its memory and log bounded, and SIGTERM quick', async () => {
  server = await startServerProcess({ DATABASE_URL: db.url });
  const pid = server.child.pid as number;
  const logFrom = server.output().length;
  const memory = sampleMemory(pid);
  const probing = startProbes(server.url);
  const cpuBefore = cpuSeconds(pid);

  flood = await startSubscribeFlood(server.url, {
    sockets: SOCKETS,
    subscribesPerSocket: SUBSCRIBES_PER_SOCKET,
    ...PACE,
  });
  const deadline = setTimeout(() => flood?.stop(), FLOOD_LIMIT_MS);
  const result = await flood.done;
  clearTimeout(deadline);
  await probing.stop();
  const rssMaxMb = memory.stop();
  const serverCpuS = (cpuSeconds(pid) ?? 0) - (cpuBefore ?? 0);

  // An SSE stream open at SIGTERM must not hold the shutdown up either.
  const stream = await openStream(`${server.url}/api/statistics/stream`);
  const exitMs = await timeSigterm(server);
  const exitCode = await Promise.race([server.exited, 'still running']);
  stream.abort();
  const warnings = warningLines(server.output().slice(logFrom));
  const { probes } = probing;
  const probeMaxMs = Math.max(...probes.map((p) => p.ms));
  console.info(
    `socket flood: ${JSON.stringify({
      flood: { ...result, sendMs: Math.round(result.sendMs), ms: Math.round(result.ms) },
      probes: probes.length,
      probeMaxMs: Math.round(probeMaxMs),
      probeErrors: probes.flatMap((p) => (p.error ? [p.error] : [])),
      rssMaxMb: Math.round(rssMaxMb),
      warningLines: warnings.length,
      serverCpuS: Number(serverCpuS.toFixed(2)),
      exitMs: exitMs === undefined ? `over ${EXIT_LIMIT_MS}` : Math.round(exitMs),
      exitCode,
    })}`,
  );

  expect(probes.length).toBeGreaterThan(10);
  expect(probes.filter((p) => p.error)).toEqual([]);
  expect(probeMaxMs).toBeLessThan(PROBE_LIMIT_MS);
  expect(rssMaxMb).toBeLessThan(RSS_LIMIT_MB);
  expect(warnings.length, warnings.slice(0, 3).join('\n')).toBeLessThan(WARNING_LINES_LIMIT);
  expect(exitMs, 'the process and its children had exited').toBeDefined();
  expect(exitCode, 'a graceful close, not the shutdown deadline').toBe(0);
  // It was a flood: sent at a third of its pace at least (the flooding process shares the machine
  // with the rest of the suite and can be slowed by it).
  expect(result.sendMs).toBeLessThan(3 * FLOOD_SEND_MS);
  // The whole flood was sent and answered (a refusal, or a state: none of the ids exists), save
  // what was in flight on a connection cut for flooding.
  expect(result.sent).toBe(SOCKETS * SUBSCRIBES_PER_SOCKET);
  expect(result.unanswered + result.contractBreaks).toBe(0);
  expect(Object.keys(result.answers).sort()).toEqual([
    'No message with that id.',
    'Too many requests on this connection; slow down.',
  ]);
}, 90_000);
