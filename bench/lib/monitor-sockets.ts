/**
 * Lean Socket.IO clients for the load generators: the Socket.IO protocol (Engine.IO v4 over a
 * WebSocket) spoken directly on `ws`, without socket.io-client's layers (manager, reconnection,
 * timers, emitters per socket). Thousands of them share this process's cores with the server
 * under test, so the less each costs to run, the more the numbers measure the server's fan-out
 * and the less the load generator's own overhead. Every event is still received, decoded and
 * handed over; only what a benchmark does not need is left out.
 */
import WebSocket from 'ws';
import { MONITOR_NAMESPACE } from '../../shared/socket-names.js';

/** Engine.IO packet types (first character) and Socket.IO packet types (second). */
const ENGINE_OPEN = '0';
const ENGINE_PING = '2';
const ENGINE_PONG = '3';

export interface LeanSocket {
  /** Called with every event the server emits to this socket: name and first argument. */
  onEvent: (name: string, payload: unknown) => void;
  /** Emits an event with an acknowledgement; resolves with the ack's first argument. */
  emitWithAck(name: string, payload: unknown): Promise<unknown>;
  close(): void;
}
export type MonitorSocket = LeanSocket;

/** One socket connected to `namespace`; resolves once the namespace accepted it. */
export function connectLeanSocket(baseUrl: string, namespace: string): Promise<LeanSocket> {
  const prefix = namespace === '/' ? '' : `${namespace},`;
  const connect = `40${prefix}`;
  const connectError = `44${prefix}`;
  const event = `42${prefix}`;
  const ack = `43${prefix}`;
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const acks = new Map<number, (value: unknown) => void>();
  let nextAckId = 0;
  const socket: LeanSocket = {
    onEvent: () => undefined,
    emitWithAck(name, payload) {
      const id = nextAckId++;
      return new Promise((resolve) => {
        acks.set(id, resolve);
        ws.send(`${event}${id}${JSON.stringify([name, payload])}`);
      });
    },
    close: () => ws.close(),
  };
  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text.startsWith(event)) {
        const [name, payload] = JSON.parse(text.slice(event.length)) as [string, unknown];
        socket.onEvent(name, payload);
      } else if (text.startsWith(ack)) {
        const rest = text.slice(ack.length);
        const digits = /^\d+/.exec(rest)?.[0] ?? '';
        const [value] = JSON.parse(rest.slice(digits.length)) as [unknown];
        acks.get(Number(digits))?.(value);
        acks.delete(Number(digits));
      } else if (text === ENGINE_PING) ws.send(ENGINE_PONG);
      else if (text.startsWith(ENGINE_OPEN)) ws.send(connect);
      else if (text.startsWith(connect)) resolve(socket);
      else if (text.startsWith(connectError)) reject(new Error(`${namespace} refused: ${text}`));
    });
  });
}

/** One socket connected to /monitor; resolves once the namespace accepted it. */
export function connectMonitorSocket(baseUrl: string): Promise<MonitorSocket> {
  return connectLeanSocket(baseUrl, MONITOR_NAMESPACE);
}
