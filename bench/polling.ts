/**
 * 4. Polling: GET /api/chat/:messageId requests per second (autocannon), against a bare Node
 * http server answering constant JSON, each in its own process, measured in the same run. The
 * bare server answers the very bytes the service answered for that message, so the ratio
 * measures the service's own cost, not the size of a medical answer.
 *
 * The two are measured in alternating slices (service, bare, service, bare…) and each total is
 * summed over its slices: this machine's speed drifts by tens of percent within a minute, and
 * one long run of each would put that drift into the ratio.
 */
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { ask, request } from './lib/http-client.js';
import { watchCompletions } from './lib/monitor.js';
import { startServer } from './lib/server-process.js';

export interface PollingResult {
  seconds: number;
  connections: number;
  serviceRequestsPerSecond: number;
  bareRequestsPerSecond: number;
  ratio: number;
  serviceP99Ms: number;
}

interface Load {
  requests: number;
  seconds: number;
  p99Ms: number;
}

async function load(url: string, seconds: number, connections: number): Promise<Load> {
  const result = await autocannon({ url, connections, duration: seconds, pipelining: 1 });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`polling load: ${result.non2xx} non-2xx, ${result.errors} errors`);
  }
  return { requests: result.requests.total, seconds: result.duration, p99Ms: result.latency.p99 };
}

/** Slices per server: long enough for autocannon's numbers, many enough to average the drift. */
const SLICES = 5;

const BARE_SERVER = `
const http = require('node:http');
const body = process.env.BARE_BODY;
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

async function startBareServer(body: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', BARE_SERVER], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { PATH: process.env.PATH ?? '', BARE_BODY: body },
  });
  const port = await new Promise<string>((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill() };
}

export async function pollingBenchmark(params: {
  databaseUrl: string;
  seconds: number;
  connections: number;
}): Promise<PollingResult> {
  const server = await startServer({ DATABASE_URL: params.databaseUrl, MOCK_LATENCY_MS: '0', LOG_LEVEL: 'warn' });
  let bare: { url: string; stop: () => void } | undefined;
  try {
    const watcher = await watchCompletions(server.url);
    const id = await ask(server.url, 'What is a normal body temperature?');
    await watcher.waitFor(1, 10_000);
    watcher.close();
    const serviceUrl = `${server.url}/api/chat/${id}`;
    bare = await startBareServer((await request(serviceUrl)).body);
    const targets = { service: serviceUrl, bare: bare.url };
    for (const url of Object.values(targets)) await load(url, 2, params.connections); // warm-up
    const slices: Record<keyof typeof targets, Load[]> = { service: [], bare: [] };
    const sliceSeconds = Math.max(1, Math.round(params.seconds / SLICES));
    for (let i = 0; i < SLICES; i++) {
      slices.service.push(await load(targets.service, sliceSeconds, params.connections));
      slices.bare.push(await load(targets.bare, sliceSeconds, params.connections));
    }
    const perSecond = (loads: Load[]) =>
      loads.reduce((sum, l) => sum + l.requests, 0) / loads.reduce((sum, l) => sum + l.seconds, 0);
    const service = perSecond(slices.service);
    const bareRate = perSecond(slices.bare);
    return {
      seconds: sliceSeconds * SLICES,
      connections: params.connections,
      serviceRequestsPerSecond: service,
      bareRequestsPerSecond: bareRate,
      ratio: service / bareRate,
      serviceP99Ms: Math.max(...slices.service.map((l) => l.p99Ms)),
    };
  } finally {
    bare?.stop();
    await server.stop();
  }
}
