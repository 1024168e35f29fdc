/**
 * 3. Fan-out: many sockets on /monitor of one instance; the time from posting a question to its
 * first status event reaching the last socket, and the server's memory per connected socket.
 * The sockets are lean Socket.IO clients (lib/monitor-sockets.ts) in this process.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MessageStatusEvent } from '../shared/socket-events.js';
import { ask, percentile } from './lib/http-client.js';
import { connectMonitorSocket, type MonitorSocket } from './lib/monitor-sockets.js';
import { startServer } from './lib/server-process.js';

export interface FanoutResult {
  sockets: number;
  rounds: number;
  lastArrivalMedianMs: number;
  lastArrivalMaxMs: number;
  serverBytesPerSocket: number;
}

async function connectAll(url: string, count: number): Promise<MonitorSocket[]> {
  const sockets: MonitorSocket[] = [];
  const batch = 250; // connect in batches: a thundering herd measures the accept queue, not us
  for (let i = 0; i < count; i += batch) {
    const group = Array.from({ length: Math.min(batch, count - i) }, () => connectMonitorSocket(url));
    sockets.push(...(await Promise.all(group)));
  }
  return sockets;
}

const WARM_UP_ROUNDS = 1;
/** A round is over when no socket has heard anything for this long (stats pushes come ≤ 4/s). */
const QUIET_MS = 400;

/**
 * One question; resolves with the time from posting it to its `pending` event reaching the last
 * socket, once every socket has also heard it complete and the server has gone quiet, so that
 * a round never waits behind the pushes of the one before (that would measure the bench's own
 * spacing, not the fan-out).
 */
async function oneRound(url: string, sockets: MonitorSocket[], round: number): Promise<number> {
  let waitingForPending = sockets.length;
  let waitingForCompleted = sockets.length;
  let lastArrival = 0;
  let lastEventAt = performance.now();
  let arrived: () => void = () => undefined;
  let completed: () => void = () => undefined;
  const allArrived = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const allCompleted = new Promise<void>((resolve) => {
    completed = resolve;
  });
  for (const socket of sockets) {
    let seen: MessageStatusEvent['status'] | undefined;
    socket.onEvent = (name, payload) => {
      lastEventAt = performance.now();
      if (name !== 'message:status') return;
      // Rounds do not overlap: every status heard now is this round's message.
      const { status } = payload as MessageStatusEvent;
      if (status === 'pending' && seen === undefined) {
        seen = status;
        lastArrival = Math.max(lastArrival, lastEventAt);
        if (--waitingForPending === 0) arrived();
      } else if (status === 'completed' && seen === 'pending') {
        seen = status;
        if (--waitingForCompleted === 0) completed();
      }
    };
  }
  const t0 = performance.now();
  await ask(url, `fan-out round ${round}: what is a normal resting heart rate?`);
  await allArrived;
  await allCompleted;
  while (performance.now() - lastEventAt < QUIET_MS) await sleep(50);
  return lastArrival - t0;
}

export async function fanoutBenchmark(params: {
  databaseUrl: string;
  sockets: number;
  rounds: number;
}): Promise<FanoutResult> {
  const server = await startServer(
    {
      DATABASE_URL: params.databaseUrl,
      MOCK_LATENCY_MS: '0',
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
    },
    { inspect: true },
  );
  let sockets: MonitorSocket[] = [];
  try {
    await sleep(500);
    // Memory kept per socket: both readings after a full collection in the server.
    await server.collectGarbage();
    const rssBefore = server.rssBytes();
    sockets = await connectAll(server.url, params.sockets);
    await sleep(1500); // let the connect-time work (first stats push) settle
    await server.collectGarbage();
    const rssAfter = server.rssBytes();

    // The first round runs cold (JIT) and is not counted, as the latency benchmark warms up.
    const lastArrivals: number[] = [];
    for (let round = -WARM_UP_ROUNDS; round < params.rounds; round++) {
      const lastArrival = await oneRound(server.url, sockets, round);
      if (round >= 0) lastArrivals.push(lastArrival);
    }
    lastArrivals.sort((a, b) => a - b);
    return {
      sockets: params.sockets,
      rounds: params.rounds,
      lastArrivalMedianMs: percentile(lastArrivals, 50),
      lastArrivalMaxMs: lastArrivals.at(-1) ?? Number.NaN,
      serverBytesPerSocket: (rssAfter - rssBefore) / params.sockets,
    };
  } finally {
    for (const socket of sockets) socket.close();
    await server.stop();
  }
}
