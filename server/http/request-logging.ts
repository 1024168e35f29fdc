/**
 * The first middleware of the chain: each request's id, and when it ends one JSON log line and
 * one metrics sample. The id comes from a well-formed X-Request-Id (set by a proxy) or is new,
 * and is sent back in X-Request-Id. Only method, path, status and timing are logged: never
 * bodies, query strings (tokens may ride there) or headers.
 *
 * Written here rather than with pino-http: pino-http builds two child loggers for every request
 * (serialising the request into one) even when its line is below the log level. Here a line is
 * built only when its level is enabled, and one 'close' listener serves the line and the sample.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';

declare module 'node:http' {
  interface IncomingMessage {
    /** This request's id (X-Request-Id); log lines about it carry it as `reqId`. */
    id?: string;
  }
}

/** Where a finished request is counted (stats/metrics.ts). */
export interface HttpRequestCounter {
  httpRequest(method: string, route: string, status: number, seconds: number): void;
}

const INCOMING_ID = /^[\w.:-]{1,100}$/;

/** A well-formed X-Request-Id from the proxy, or a new id. */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
}

interface RequestOutcome {
  id: string;
  method: string;
  /** The URL without its query string (made only for a line that is written). */
  path: () => string;
  status: number;
  ms: number;
  /** The connection closed before the response was sent in full (pino-http's "request aborted"). */
  closedEarly?: boolean;
}

/**
 * The level of a request's line: info for success, warn for 4xx, error for 5xx, but warn for a
 * 503: the service's own answer while it cannot serve (database away, queue full, shutting down),
 * which /health gives on purpose during an outage; the cause, if a fault, is logged where it happens.
 */
function levelOf(status: number): 'info' | 'warn' | 'error' {
  if (status === 503) return 'warn';
  return status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
}

/** The line for one answered request, at levelOf(status). */
function logRequest(logger: Logger, outcome: RequestOutcome): void {
  const level = levelOf(outcome.status);
  if (!logger.isLevelEnabled(level)) return;
  const message = outcome.closedEarly
    ? 'request aborted'
    : outcome.status === 503
      ? 'service unavailable'
      : outcome.status >= 500
        ? 'request errored'
        : 'request completed';
  logger[level](
    {
      reqId: outcome.id,
      req: { id: outcome.id, method: outcome.method, path: outcome.path() },
      res: { status: outcome.status },
      responseTime: Math.round(outcome.ms),
    },
    message,
  );
}

/**
 * The metrics label of a request: its route pattern (never the URL: ids would make a series per
 * message). Requests refused before routing (a token, a body, CORS) are 'refused', static files
 * 'static', and every other 404 'unmatched'.
 */
function routeLabel(req: Request, path: () => string, status: number): string {
  const pattern: unknown = req.route?.path;
  if (typeof pattern === 'string') return pattern;
  if (status === 404) return 'unmatched';
  const refusedPath = path();
  return refusedPath.startsWith('/api/') || refusedPath === '/metrics' ? 'refused' : 'static';
}

export function observeRequests(deps: { logger: Logger; metrics: HttpRequestCounter }): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const id = requestIdOf(req);
    req.id = id;
    res.setHeader('X-Request-Id', id);
    // A response emits 'close' once: after 'finish', or alone when the client left first.
    res.on('close', () => {
      const ms = performance.now() - started;
      const status = res.statusCode;
      const path = () => (req.originalUrl ?? req.url).split('?')[0] ?? '';
      const finished = res.writableFinished;
      if (finished) deps.metrics.httpRequest(req.method, routeLabel(req, path, status), status, ms / 1000);
      logRequest(deps.logger, { id, method: req.method, path, status, ms, closedEarly: !finished });
    });
    next();
  };
}
