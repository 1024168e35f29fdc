/**
 * One JSON log line per request (pino-http) with a request id on it and on every line logged
 * through `req.log`. The id comes from a well-formed X-Request-Id (set by a proxy) or is new,
 * and is sent back in X-Request-Id. Only method, path, status and timing are logged: never
 * bodies, query strings (tokens may ride there) or headers.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

const INCOMING_ID = /^[\w.:-]{1,100}$/;

/** A well-formed X-Request-Id from the proxy, or a new id. */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
}

export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const id = requestIdOf(req);
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel(_req, res, error) {
      if (error || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return 'info';
    },
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
    wrapSerializers: false,
    // Lines logged through req.log carry just the id (reqId), not the whole request.
    quietReqLogger: true,
  });
}
