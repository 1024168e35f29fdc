/** The child side of script-process.ts: a request's JSON body, and listening with the port announced. */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The body as JSON ({} when empty); undefined, with a 400 answered, when it is not JSON. */
export function readJsonBody(
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (piece: string) => {
      raw += piece;
    });
    req.on('end', () => {
      try {
        resolve(raw ? (JSON.parse(raw) as Record<string, unknown>) : {});
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"the body is not JSON"}');
        resolve(undefined);
      }
    });
  });
}

/** Listens on a free port of 127.0.0.1 and prints `{"port": n}`, the line startScript waits for. */
export function listenAndAnnounce(server: http.Server): void {
  server.listen(0, '127.0.0.1', () => {
    console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
  });
  process.on('SIGTERM', () => process.exit(0));
}
