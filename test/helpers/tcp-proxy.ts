/**
 * A TCP proxy in the test process, between a service and PostgreSQL: an outage of the database
 * as the service sees it (cut: every live connection reset, new ones refused), without stopping
 * the database server other test files share.
 */
import net from 'node:net';

export interface TcpProxy {
  /** `databaseUrl` with its host and port replaced by the proxy's. */
  readonly url: string;
  /** Resets every live connection and refuses new ones until restore(). */
  cut(): void;
  restore(): void;
  /** Connections accepted and piped (not refused) so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

export async function startTcpProxy(databaseUrl: string): Promise<TcpProxy> {
  const target = new URL(databaseUrl);
  const targetPort = Number(target.port || 5432);
  const live = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let down = false;
  let accepted = 0;

  const server = net.createServer((client) => {
    if (down) {
      client.resetAndDestroy(); // the client sees ECONNRESET at once, as from a stopped server
      return;
    }
    accepted += 1;
    const upstream = net.connect(targetPort, target.hostname);
    const pair = { client, upstream };
    live.add(pair);
    const end = () => {
      live.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(databaseUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as net.AddressInfo).port);

  const resetAll = () => {
    for (const { client, upstream } of live) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    live.clear();
  };
  return {
    url: proxied.toString(),
    cut() {
      down = true;
      resetAll();
    },
    restore() {
      down = false;
    },
    get accepted() {
      return accepted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        resetAll();
        server.close(() => resolve());
      }),
  };
}
