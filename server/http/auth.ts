/**
 * The token step of the HTTP chain. Which token (access/tokens.ts) a request needs depends on
 * what it asks for: monitoring endpoints take the monitor token (or the API token when no monitor
 * token is set), the rest of /api the API token; /health, the API's description and the web
 * app's files need none.
 */
import type { RequestHandler } from 'express';
import { type Tokens, tokenMatches, tokenOf } from '../access/tokens.js';
import { HttpError } from '../edge/http-error.js';

export const MONITOR_PATHS = ['/api/statistics/stream', '/metrics'];

/** The Server-Sent Events routes: EventSource cannot send headers, so only these take `?access_token=`. */
const EVENT_SOURCE_ROUTES = [/^\/api\/chat\/[^/]+\/events$/, /^\/api\/statistics\/stream$/];

/**
 * The path as express's routers match it: they ignore case and a trailing slash (so /METRICS/
 * reaches the /metrics route). Repeated slashes are folded too; that only ever asks for more.
 */
export function routedPath(path: string): string {
  const folded = path
    .toLowerCase()
    .replace(/\/{2,}/g, '/')
    .replace(/\/+$/, '');
  return folded === '' ? '/' : folded;
}

/** Whether a path may carry its token in the query string (as the router matches it: any case, trailing slash). */
export function acceptsQueryToken(rawPath: string): boolean {
  const path = routedPath(rawPath);
  return EVENT_SOURCE_ROUTES.some((route) => route.test(path));
}

/** The API's description (its documents, the reference page): open, as the README is, so a browser can show it. */
const API_DESCRIPTION = /^\/api\/(?:openapi\.json|asyncapi\.json|docs(?:\/[^/]+)?)$/;

/** The token a path needs, or undefined when it is open. */
export function requiredToken(rawPath: string, tokens: Tokens): { token: string; kind: 'API' | 'monitor' } | undefined {
  const path = routedPath(rawPath);
  if (API_DESCRIPTION.test(path)) return undefined;
  if (MONITOR_PATHS.includes(path)) {
    if (tokens.monitorToken) return { token: tokens.monitorToken, kind: 'monitor' };
    return tokens.apiToken ? { token: tokens.apiToken, kind: 'API' } : undefined;
  }
  if (path === '/api' || path.startsWith('/api/')) {
    return tokens.apiToken ? { token: tokens.apiToken, kind: 'API' } : undefined;
  }
  return undefined;
}

export function requireTokens(tokens: Tokens): RequestHandler {
  return (req, _res, next) => {
    const required = requiredToken(req.path, tokens);
    if (!required) return next();
    const queryAllowed = acceptsQueryToken(req.path);
    if (tokenMatches(required.token, tokenOf(req, queryAllowed ? req.query : undefined))) return next();
    const hint = !queryAllowed && 'access_token' in req.query ? ' ?access_token= is only for Server-Sent Events.' : '';
    next(
      new HttpError(401, `A valid ${required.kind} token is required (Authorization: Bearer <token>).${hint}`, {
        'WWW-Authenticate': 'Bearer',
      }),
    );
  };
}
