/**
 * 3. Fan-out: many sockets on /monitor of one instance; the time from posting a question to its
 * first status event reaching the last socket, and the server's memory per connected socket.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { io, type Socket } from 'socket.io-client';
import type { MessageStatusEvent } from '../shared/socket-events.js';
import { ask, percentile } from './lib/http-client.js';
import { startServer } from './lib/server-process.js';

export interface FanoutResult {
  sockets: number;
  rounds: number;
  lastArrivalMedianMs: number;
  lastArrivalMaxMs: number;
  serverBytesPerSocket: number;
}

async function connectAll(url: string, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  const batch = 250; // connect in batches: a thundering herd measures the accept queue, not us
  for (let i = 0; i < count; i += batch) {
    const group = Array.from({ length: Math.min(batch, count - i) }, () =>
      io(`${url}/monitor`, { transports: ['websocket'], reconnection: false, forceNew: true }),
    );
    await Promise.all(
      group.map(
        (s) =>
          new Promise<void>((resolve, reject) => {
            s.once('connect', () => resolve());
            s.once('connect_error', reject);
          }),
      ),
    );
    sockets.push(...group);
  }
  return sockets;
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
  let sockets: Socket[] = [];
  try {
    await sleep(500);
    // Memory kept per socket: both readings after a full collection in the server.
    await server.collectGarbage();
    const rssBefore = server.rssBytes();
    sockets = await connectAll(server.url, params.sockets);
    await sleep(1500); // let the connect-time work (first stats push) settle
    await server.collectGarbage();
    const rssAfter = server.rssBytes();

    const lastArrivals: number[] = [];
    for (let round = 0; round < params.rounds; round++) {
      let pendingSockets = sockets.length;
      let messageId: string | undefined;
      let lastArrival = 0;
      const early: number[] = [];
      const allArrived = new Promise<void>((resolve) => {
        for (const socket of sockets) {
          const onStatus = (event: MessageStatusEvent) => {
            if (event.status !== 'pending') return;
            if (messageId === undefined) early.push(performance.now());
            else if (event.messageId !== messageId) return;
            socket.off('message:status', onStatus);
            lastArrival = Math.max(lastArrival, performance.now());
            if (--pendingSockets === 0) resolve();
          };
          socket.on('message:status', onStatus);
        }
      });
      const t0 = performance.now();
      messageId = await ask(server.url, `fan-out round ${round}: what is a normal resting heart rate?`);
      await allArrived;
      lastArrivals.push(lastArrival - t0);
      await sleep(300);
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
