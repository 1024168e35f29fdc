/**
 * The security headers every response carries: helmet's, with the web app's
 * Content-Security-Policy. helmet is run once, against a stand-in response, and its headers are
 * kept: all of them are constant (no per-request nonce), and running helmet for every request
 * rebuilt the same policy string each time. If a directive ever depends on the request, go back
 * to `helmet(...)` as middleware.
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The Content-Security-Policy the web app runs under: its own scripts and styles only, no inline
 * script, connections (fetch, Socket.IO, SSE) to its own origin.
 */
const CONTENT_SECURITY_POLICY = {
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    // helmet adds upgrade-insecure-requests by default; it breaks plain-HTTP use on a LAN address.
    upgradeInsecureRequests: null,
  },
};

/** [name, value] pairs, names in lower case, in helmet's order. */
function helmetHeaders(): Array<[string, string]> {
  const headers = new Map<string, string>();
  const standIn = {
    setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
  let ran = false;
  helmet({ contentSecurityPolicy: CONTENT_SECURITY_POLICY })({} as never, standIn as never, () => {
    ran = true;
  });
  if (!ran) throw new Error('helmet did not finish synchronously; its headers cannot be computed once');
  return [...headers];
}

export const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = helmetHeaders();

/** Middleware: the security headers on every response. */
export function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
    next();
  };
}
