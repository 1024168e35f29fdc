import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ErrorBody } from '../../shared/rest.js';
import { HttpError } from '../edge/http-error.js';
import { isConnectionError } from '../queue/database-retry.js';
import { sendJson } from './json-response.js';

export const notFound: RequestHandler = (req, _res, next) => {
  // originalUrl: under app.use('/api', …) req.path has lost its mount point.
  const path = req.originalUrl.split('?')[0] ?? '';
  next(new HttpError(404, `No route for ${req.method} ${path.slice(0, 200)}`));
};

/**
 * PostgreSQL refusing a value the client sent (a NUL character, a byte sequence it cannot store):
 * bad input, so a 400, not a 500. Data exceptions are class 22.
 */
function databaseInputError(error: { code?: unknown }): HttpError | null {
  const code = error.code;
  if (code === '22021' || code === '22P05') {
    return new HttpError(400, 'The request contains characters that cannot be stored (such as NUL).');
  }
  return null;
}

/** A body that is not (strict) JSON. */
export function invalidJsonError(): HttpError {
  return new HttpError(400, 'The request body is not valid JSON.');
}

export function bodyTooLargeError(): HttpError {
  return new HttpError(413, 'The request body is too large (at most 64 KiB).');
}

/** The client went away before sending its whole body. */
export function abortedRequestError(): HttpError {
  return new HttpError(400, 'The request was aborted.');
}

/** Body-parser errors carry a `type` and a `status`; we turn them into our JSON errors. */
function bodyParserError(error: { type?: unknown; status?: unknown }): HttpError | null {
  switch (error.type) {
    case 'entity.parse.failed':
      return invalidJsonError();
    case 'entity.too.large':
      return bodyTooLargeError();
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new HttpError(415, 'The request body must be UTF-8 JSON.');
    case 'request.aborted':
      return abortedRequestError();
    default:
      return typeof error.status === 'number' && error.status >= 400 && error.status < 500
        ? new HttpError(error.status, 'The request could not be read.')
        : null;
  }
}

/**
 * What the client is told about an error: its own HttpError, a request body or value refused, the
 * database away (503, try again). Null for a fault of ours (a 500, to be logged).
 */
export function toHttpError(error: unknown): HttpError | null {
  if (error instanceof HttpError) return error;
  // Anything may be thrown, null included: read fields only from objects.
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    type?: unknown;
    status?: unknown;
    code?: unknown;
  };
  const refused = bodyParserError(fields) ?? databaseInputError(fields);
  if (refused) return refused;
  if (isConnectionError(error)) {
    return new HttpError(503, 'The database is unavailable; try again shortly.', { 'Retry-After': '2' });
  }
  return null;
}

export const INTERNAL_ERROR = 'Internal server error.';

/** The one error shape: `{ "error": "..." }` with the right status; never a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    let httpError = toHttpError(error);
    if (!httpError) {
      logger.error({ reqId: req.id, err: error, method: req.method, path: req.path }, 'unhandled error');
      httpError = new HttpError(500, INTERNAL_ERROR);
    }
    if (res.headersSent) {
      res.end(); // a stream (SSE) that failed after it started: close it
      return;
    }
    sendJson(res, httpError.status, { error: httpError.message } satisfies ErrorBody, httpError.headers);
  };
}
