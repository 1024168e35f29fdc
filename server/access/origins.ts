/**
 * Which web origins may call the API and open sockets: the service's own, and CORS_ORIGINS.
 * WebSockets are not covered by CORS, so the socket server checks the Origin header itself
 * (against cross-site WebSocket hijacking).
 */
import type { IncomingMessage } from 'node:http';

function isSameOrigin(origin: string, req: IncomingMessage): boolean {
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function originAllowed(req: IncomingMessage, allowlist: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a browser (curl, server-to-server clients)
  return isSameOrigin(origin, req) || allowlist.includes(origin);
}
