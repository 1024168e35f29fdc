/**
 * Lean /monitor sockets for the fan-out load generator: the Socket.IO protocol (Engine.IO v4 over
 * a WebSocket) spoken directly on `ws`, without socket.io-client's layers (manager, reconnection,
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
const SOCKET_CONNECT = `40${MONITOR_NAMESPACE},`;
const SOCKET_CONNECT_ERROR = `44${MONITOR_NAMESPACE},`;
const SOCKET_EVENT = `42${MONITOR_NAMESPACE},`;

export interface MonitorSocket {
  /** Called with every event the server emits to this socket: name and first argument. */
  onEvent: (name: string, payload: unknown) => void;
  close(): void;
}

/** One socket connected to /monitor; resolves once the namespace accepted it. */
export function connectMonitorSocket(baseUrl: string): Promise<MonitorSocket> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const socket: MonitorSocket = { onEvent: () => undefined, close: () => ws.close() };
  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text.startsWith(SOCKET_EVENT)) {
        const [name, payload] = JSON.parse(text.slice(SOCKET_EVENT.length)) as [string, unknown];
        socket.onEvent(name, payload);
      } else if (text === ENGINE_PING) ws.send(ENGINE_PONG);
      else if (text.startsWith(ENGINE_OPEN)) ws.send(SOCKET_CONNECT);
      else if (text.startsWith(SOCKET_CONNECT)) resolve(socket);
      else if (text.startsWith(SOCKET_CONNECT_ERROR)) reject(new Error(`/monitor refused: ${text}`));
    });
  });
}
