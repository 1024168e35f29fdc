/**
 * Packets sent to one socket in the same turn of the event loop leave in one write (one system
 * call) rather than one each: the connection's TCP socket is corked when Socket.IO flushes to it
 * and uncorked at the end of that turn. Without it, a flood of requests refused at once costs a
 * system call per refusal, the largest part of what the flood costs the server.
 */
import net from 'node:net';
import type { Socket } from 'socket.io';

/** The TCP socket under a WebSocket transport (ws keeps it as `_socket`); none under long-polling. */
function tcpSocketOf(conn: Socket['conn']): net.Socket | undefined {
  const transport = conn.transport as unknown as { name?: string; socket?: { _socket?: unknown } };
  const tcp = transport.name === 'websocket' ? transport.socket?._socket : undefined;
  return tcp instanceof net.Socket ? tcp : undefined;
}

export function coalesceWrites(socket: Socket): void {
  let corked: net.Socket | undefined;
  socket.conn.on('flush', () => {
    if (corked) return;
    corked = tcpSocketOf(socket.conn);
    corked?.cork();
    process.nextTick(() => {
      corked?.uncork();
      corked = undefined;
    });
  });
}
