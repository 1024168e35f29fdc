/**
 * Bearer tokens (API_TOKEN, MONITOR_TOKEN), compared in constant time: what REST, the SSE streams
 * and Socket.IO handshakes are checked against.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface Tokens {
  apiToken: string | undefined;
  monitorToken: string | undefined;
}

/** Equal-length digests make the comparison take the same time whatever the inputs. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/**
 * The token a request carries: `Authorization: Bearer …`, or `?access_token=` when `query` is given
 * (only for the EventSource routes: tokens in URLs end up in proxy access logs).
 */
export function tokenOf(req: IncomingMessage, query?: unknown): string | undefined {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (match) return match[1];
  const fromQuery = (query as { access_token?: unknown } | undefined)?.access_token;
  return typeof fromQuery === 'string' ? fromQuery : undefined;
}
