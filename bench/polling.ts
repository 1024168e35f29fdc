/**
 * 4. Polling: GET /api/chat/:messageId requests per second (autocannon), against a bare Node
 * http server answering constant JSON, each in its own process, measured in the same run. The
 * bare server answers the very bytes the service answered for that message, so the ratio
 * measures the service's own cost, not the size of a medical answer.
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

async function load(url: string, seconds: number, connections: number) {
  const result = await autocannon({ url, connections, duration: seconds, pipelining: 1 });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`polling load: ${result.non2xx} non-2xx, ${result.errors} errors`);
  }
  return { requestsPerSecond: result.requests.average, p99Ms: result.latency.p99 };
}

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
  let service: { requestsPerSecond: number; p99Ms: number };
  let answered: string;
  try {
    const watcher = await watchCompletions(server.url);
    const id = await ask(server.url, 'What is a normal body temperature?');
    await watcher.waitFor(1, 10_000);
    watcher.close();
    answered = (await request(`${server.url}/api/chat/${id}`)).body;
    await load(`${server.url}/api/chat/${id}`, 2, params.connections); // warm-up
    service = await load(`${server.url}/api/chat/${id}`, params.seconds, params.connections);
  } finally {
    await server.stop();
  }
  const bare = await startBareServer(answered);
  try {
    await load(bare.url, 2, params.connections);
    const bareResult = await load(bare.url, params.seconds, params.connections);
    return {
      seconds: params.seconds,
      connections: params.connections,
      serviceRequestsPerSecond: service.requestsPerSecond,
      bareRequestsPerSecond: bareResult.requestsPerSecond,
      ratio: service.requestsPerSecond / bareResult.requestsPerSecond,
      serviceP99Ms: service.p99Ms,
    };
  } finally {
    bare.stop();
  }
}
