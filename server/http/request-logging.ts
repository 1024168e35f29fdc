/**
 * One JSON log line per request with a request id on it and on every line logged through
 * `req.log`. The id comes from a well-formed X-Request-Id (set by a proxy) or is new, and is sent
 * back in X-Request-Id. Only method, path, status and timing are logged: never bodies, query
 * strings (tokens may ride there) or headers.
 *
 * Written here rather than with pino-http: pino-http builds two child loggers for every request
 * (serialising the request into one) even when its line is below the log level, which was 9% of
 * the service's CPU in the throughput benchmark's profile at LOG_LEVEL=warn. Here `req.log` is
 * made on first use and a line is built only when its level is enabled. The polling fast path
 * writes its lines with logRequest() too, so both paths log the same shape.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

declare module 'node:http' {
  interface IncomingMessage {
    /** This request's id (X-Request-Id). */
    id?: string;
    /** The logger for lines about this request: they carry its id as `reqId`. */
    log?: Logger;
  }
}

const INCOMING_ID = /^[\w.:-]{1,100}$/;

/** A well-formed X-Request-Id from the proxy, or a new id. */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
}

export interface RequestOutcome {
  id: string;
  method: string;
  /** The URL without its query string. */
  path: string;
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
export function logRequest(logger: Logger, outcome: RequestOutcome): void {
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
      req: { id: outcome.id, method: outcome.method, path: outcome.path },
      res: { status: outcome.status },
      responseTime: Math.round(outcome.ms),
    },
    message,
  );
}

export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const id = requestIdOf(req);
    req.id = id;
    res.setHeader('X-Request-Id', id);
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', {
      get: () => {
        child ??= logger.child({ reqId: id });
        return child;
      },
      configurable: true,
    });
    const done = () => {
      res.off('finish', done);
      res.off('close', done);
      logRequest(logger, {
        id,
        method: req.method,
        path: (req.originalUrl ?? req.url).split('?')[0] ?? '',
        status: res.statusCode,
        ms: performance.now() - started,
        closedEarly: !res.writableFinished,
      });
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}
