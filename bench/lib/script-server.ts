/** The child side of script-process.ts: a request's JSON body, and listening with the port announced. */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';

export function readJsonBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (piece: string) => {
      raw += piece;
    });
    req.on('error', reject);
    req.on('end', () => resolve(raw ? (JSON.parse(raw) as Record<string, unknown>) : {}));
  });
}

/** Listens on a free port of 127.0.0.1 and prints `{"port": n}`, the line startScript waits for. */
export function listenAndAnnounce(server: http.Server): void {
  server.listen(0, '127.0.0.1', () => {
    console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
  });
  process.on('SIGTERM', () => process.exit(0));
}
