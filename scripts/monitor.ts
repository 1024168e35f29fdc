/**
 * npm run monitor -- --url http://host:8000 [--token MONITOR_TOKEN]
 * Prints MedChat's live statistics and one line per status change, from /monitor, until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import type { MonitorClientToServerEvents, MonitorServerToClientEvents } from '../shared/socket-events.js';
import { MONITOR_NAMESPACE } from '../shared/socket-names.js';

function fail(message: string): never {
  process.stderr.write(`monitor: ${message}\n`);
  process.exit(2);
}

function readArgs() {
  try {
    return parseArgs({
      options: { url: { type: 'string', default: 'http://localhost:8000' }, token: { type: 'string' } },
      strict: true,
    }).values;
  } catch (error) {
    // An unknown or incomplete option: say so, with the usage, instead of a stack trace.
    fail(`${(error as Error).message}\nusage: npm run monitor -- --url http://host:8000 [--token MONITOR_TOKEN]`);
  }
}

const values = readArgs();
let base: URL;
try {
  base = new URL(values.url ?? '');
  if (!/^https?:$/.test(base.protocol)) throw new Error('not http');
} catch {
  fail(`--url must be an http(s) URL such as http://localhost:8000 (got ${JSON.stringify(values.url)})`);
}

const time = () => new Date().toISOString().slice(11, 23);
const line = (text: string) => process.stdout.write(`${time()} ${text}\n`);

const socket: Socket<MonitorServerToClientEvents, MonitorClientToServerEvents> = io(
  new URL(MONITOR_NAMESPACE, base).toString(),
  {
    transports: ['websocket', 'polling'],
    auth: values.token ? { token: values.token } : {},
    reconnectionDelayMax: 5000,
  },
);
socket.on('connect', () => line(`connected to ${base.origin}`));
socket.on('disconnect', (reason) => line(`disconnected (${reason}); reconnecting…`));
socket.on('connect_error', (error) => {
  if (/unauthorized/.test(error.message)) fail('the server wants a monitoring token: --token <MONITOR_TOKEN>');
  line(`cannot reach ${base.origin} (${error.message}); retrying…`);
});
socket.on('stats', (s) => {
  line(
    `stats processed=${s.messagesProcessed} ok=${s.messagesSucceeded} failed=${s.messagesFailed} ` +
      `success=${(s.successRate * 100).toFixed(1)}% queue=${s.queueLength} workers=${s.activeWorkers}/${s.maxWorkers} ` +
      `retries=${s.totalRetries} avg=${Math.round(s.averageProcessingTimeMs)}ms tokens=${s.totalTokensUsed}`,
  );
});
socket.on('message:status', (e) => {
  const extra =
    e.status === 'failed'
      ? ` error="${e.error ?? ''}"`
      : e.status === 'completed'
        ? ` chars=${e.response?.length ?? 0}`
        : '';
  line(`message ${e.messageId} ${e.status}${e.urgent ? ' URGENT' : ''}${extra}`);
});
process.on('SIGINT', () => {
  socket.close();
  process.exit(0);
});
