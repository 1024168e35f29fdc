/**
 * A subscribe flood, run in a process of its own: many lean Socket.IO clients (the protocol spoken directly on `ws`, as in
 * bench/lib/monitor-sockets.ts, so the flood costs this process little) each sending `subscribe`s
 * with random ids at a fixed pace, whatever the answers: an attacker does not wait for them. A
 * socket the server disconnects connects again and goes on with what it had left to send. Every
 * ack is checked against the contract and counted by its answer.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { PROJECT_ROOT } from '../../server/paths.js';
import { ackSchemas } from '../../shared/socket-events.js';

export interface FloodOptions {
  sockets: number;
  subscribesPerSocket: number;
  /** Each socket sends this many subscribes every `tickMs` (the pace). */
  perTick: number;
  tickMs: number;
}

export interface FloodResult {
  sent: number;
  /** Acks by answer: the error's text, or `state` for a message's state. */
  answers: Record<string, number>;
  /** Sent on a connection the server closed before answering them. */
  cutOff: number;
  /** Not answered yet when the flood was stopped. */
  unanswered: number;
  /** Connections the server closed (the socket connected again while it had subscribes left). */
  disconnects: number;
  /** Acks that broke the contract (shared/socket-events.ts). */
  contractBreaks: number;
  /** From the first subscribe sent to the last: the pace the flood kept. */
  sendMs: number;
  /** From the first subscribe sent to the last answer. */
  ms: number;
}

export interface Flood {
  /** Resolves when every subscribe was sent and answered (or cut off), or at stop(). */
  readonly done: Promise<FloodResult>;
  /** Ends the flood now: the sockets close, what is unanswered is counted so. */
  stop(): void;
}

const FLOOD_NICENESS = 10;

/** Engine.IO / Socket.IO packets of the default namespace. */
const OPEN = '0';
const PING = '2';
const PONG = '3';
const CONNECT = '40';
const CONNECT_ERROR = '44';
const ACK = '43';

class FloodSocket {
  remaining: number;
  outstanding = 0;
  private ws: WebSocket | undefined;
  private connected = false;
  private nextAckId = 0;

  constructor(
    private readonly url: string,
    private readonly flood: FloodState,
    count: number,
  ) {
    this.remaining = count;
  }

  /** Resolves once the namespace accepted the socket. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${this.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
      this.ws = ws;
      ws.on('message', (data: Buffer) => {
        const text = data.toString();
        if (text.startsWith(ACK)) this.answered(text);
        else if (text === PING) ws.send(PONG);
        else if (text.startsWith(OPEN)) ws.send(CONNECT);
        else if (text.startsWith(CONNECT_ERROR)) reject(new Error(`connection refused: ${text}`));
        else if (text.startsWith(CONNECT)) {
          this.connected = true;
          resolve();
        }
      });
      ws.on('error', reject);
      ws.on('close', () => this.closed(ws));
    });
  }

  /** Sends the next subscribes of this tick, when connected. */
  send(count: number): void {
    if (!this.connected || !this.ws) return;
    for (let i = 0; i < count && this.remaining > 0; i++) {
      this.ws.send(`42${this.nextAckId++}["subscribe",{"messageId":"${randomUUID()}"}]`);
      this.remaining -= 1;
      this.outstanding += 1;
      this.flood.sent += 1;
    }
    this.flood.lastSentAt = performance.now();
  }

  close(): void {
    this.ws?.close();
  }

  private answered(text: string): void {
    const rest = text.slice(ACK.length);
    const digits = /^\d+/.exec(rest)?.[0] ?? '';
    const [answer] = JSON.parse(rest.slice(digits.length)) as [unknown];
    const parsed = ackSchemas.subscribe.safeParse(answer);
    if (!parsed.success) this.flood.contractBreaks += 1;
    else {
      const kind = 'error' in parsed.data ? parsed.data.error : 'state';
      this.flood.answers[kind] = (this.flood.answers[kind] ?? 0) + 1;
    }
    this.outstanding -= 1;
    this.flood.check();
  }

  private closed(ws: WebSocket): void {
    if (ws !== this.ws) return;
    this.connected = false;
    this.flood.cutOff += this.outstanding;
    this.outstanding = 0;
    if (!this.flood.stopped && this.remaining > 0) {
      this.flood.disconnects += 1;
      // An attacker comes back at once; a refused handshake is tried again on the next close.
      this.connect().catch(() => this.ws?.close());
    }
    this.flood.check();
  }
}

class FloodState {
  sent = 0;
  answers: Record<string, number> = {};
  cutOff = 0;
  disconnects = 0;
  contractBreaks = 0;
  stopped = false;
  sockets: FloodSocket[] = [];
  startedAt = 0;
  lastSentAt = 0;
  private finish: ((result: FloodResult) => void) | undefined;
  readonly done = new Promise<FloodResult>((resolve) => {
    this.finish = resolve;
  });

  check(): void {
    if (this.stopped || this.sockets.some((s) => s.remaining > 0 || s.outstanding > 0)) return;
    this.end();
  }

  end(): void {
    if (!this.finish) return;
    this.stopped = true;
    const unanswered = this.sockets.reduce((sum, s) => sum + s.outstanding, 0);
    const { sent, answers, cutOff, disconnects, contractBreaks } = this;
    this.finish({
      sent,
      answers,
      cutOff,
      unanswered,
      disconnects,
      contractBreaks,
      sendMs: this.lastSentAt - this.startedAt,
      ms: performance.now() - this.startedAt,
    });
    this.finish = undefined;
    for (const socket of this.sockets) socket.close();
  }
}

/** Connects every socket, then floods at the given pace until all is sent and answered, or stop(). */
async function startFlood(url: string, options: FloodOptions): Promise<Flood> {
  const state = new FloodState();
  state.sockets = Array.from(
    { length: options.sockets },
    () => new FloodSocket(url, state, options.subscribesPerSocket),
  );
  await Promise.all(state.sockets.map((socket) => socket.connect()));
  state.startedAt = performance.now();
  const pace = setInterval(() => {
    for (const socket of state.sockets) socket.send(options.perTick);
    if (state.sockets.every((s) => s.remaining === 0)) clearInterval(pace);
  }, options.tickMs);
  void state.done.then(() => clearInterval(pace));
  return { done: state.done, stop: () => state.end() };
}

/**
 * The flood in a process of its own (this file run by tsx): its work has its own event loop, so
 * what the test measures meanwhile (probes) is not held up by it. Resolves once every socket is
 * connected; stop() ends the flood early (SIGTERM), as an unanswered flood must be ended.
 */
export async function startSubscribeFlood(url: string, options: FloodOptions): Promise<Flood> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), url, JSON.stringify(options)],
    {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  // An attacker's CPU is not the server's: on this one machine the flood yields the CPU to the
  // server (nice 10) rather than take half of it. It still keeps its pace (see sendMs).
  os.setPriority(child.pid as number, FLOOD_NICENESS);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done || !(JSON.parse(first.value) as { connected?: boolean }).connected) {
    child.kill('SIGKILL');
    throw new Error(`the flood process did not connect: ${String(first.value)}`);
  }
  const done = lines.next().then((line) => {
    if (line.done) throw new Error('the flood process ended without a result');
    return JSON.parse(line.value) as FloodResult;
  });
  return {
    done,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
  };
}

/** As a process: `<url> <options as JSON>`; prints {"connected":true}, then the result, as lines. */
async function main(url: string, options: FloodOptions): Promise<void> {
  const flood = await startFlood(url, options);
  process.stdout.write(`${JSON.stringify({ connected: true })}\n`);
  process.once('SIGTERM', () => flood.stop());
  process.stdout.write(`${JSON.stringify(await flood.done)}\n`);
  process.exit(0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [url, options] = process.argv.slice(2);
  void main(url as string, JSON.parse(options as string) as FloodOptions);
}
