/**
 * POST /api/chat from an API client, answered before express: the first step of every answer.
 * Timed at the latency benchmark's steady 50 questions a second, express's middleware chain
 * and response took 0.55-0.75 ms of the ~6 ms from POST to answer; here they take about 0.25 ms. The answer is the same as express's: the same validation, errors and rate limit
 * (ask-question.ts), security headers, request id, metrics and request log line.
 *
 * Anything unusual goes to express untouched, before a byte of the body is read: a cross-origin
 * request (CORS is express's business), another content type or charset, a compressed body, a
 * body without a length or over the limit, a missing or wrong token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { MAX_JSON_BODY_BYTES } from '../../shared/limits.js';
import { containsNul } from '../db/nul-characters.js';
import { type Metrics, REFUSED_ROUTE } from '../stats/metrics.js';
import type { AskQuestion } from './ask-question.js';
import { type Tokens, tokenMatches, tokenOf } from './auth.js';
import { abortedRequestError, HttpError, INTERNAL_ERROR, invalidJsonError, toHttpError } from './errors.js';
import { nulCharacterError } from './nul-characters.js';
import { type QuestionRateLimiter, tooManyQuestionsError } from './rate-limit.js';
import { logRequest, requestIdOf } from './request-logging.js';
import { SECURITY_HEADERS } from './security-headers.js';

const JSON_CONTENT_TYPE = /^application\/json\s*(?:;\s*charset\s*=\s*(?:utf-8|"utf-8")\s*)?$/i;
const ROUTE = '/api/chat';

export interface AskFastPathDeps {
  askQuestion: AskQuestion;
  rateLimiter: QuestionRateLimiter;
  /** The client's address as express's req.ip gives it (TRUST_PROXY), for the rate limit. */
  clientAddress: (req: IncomingMessage) => string;
  tokens: Tokens;
  metrics: Metrics;
  logger: Logger;
}

/** Returns false, having touched nothing, for a request that is express's. */
export function createAskFastPath(deps: AskFastPathDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  // A flat [name, value, …] list, as the polling fast path sends: node writes it fastest.
  const baseHeaders = [...SECURITY_HEADERS.flat(), 'content-type', 'application/json; charset=utf-8'];

  const send = (res: ServerResponse, status: number, body: unknown, headers: string[]) => {
    const json = JSON.stringify(body);
    res.writeHead(status, [...baseHeaders, ...headers, 'content-length', String(Buffer.byteLength(json))]);
    res.end(json);
  };

  const sendError = (res: ServerResponse, error: HttpError, requestId: string) => {
    const headers = [...Object.entries(error.headers).flat(), 'x-request-id', requestId];
    send(res, error.status, { error: error.message }, headers);
  };

  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    // A body express.json would have refused is counted as refused before routing, as there.
    let route = ROUTE;
    // As express's request logging and metrics do: when the response is sent, or the client left.
    const done = () => {
      res.off('finish', done);
      res.off('close', done);
      const ms = performance.now() - started;
      if (res.writableFinished) deps.metrics.httpRequest('POST', route, res.statusCode, ms / 1000);
      const closedEarly = !res.writableFinished;
      logRequest(deps.logger, { id: requestId, method: 'POST', path: ROUTE, status: res.statusCode, ms, closedEarly });
    };
    res.on('finish', done);
    res.on('close', done);
    try {
      // In express's order: the body is read and parsed (express.json) before the rate limit.
      route = REFUSED_ROUTE;
      const text = await readBody(req, () => sendError(res, abortedRequestError(), requestId));
      if (text === null) return; // the client left before sending it all: answered above
      const body = parseStrictJson(text);
      route = ROUTE;
      const wait = await deps.rateLimiter.take(deps.clientAddress(req));
      if (wait > 0) throw tooManyQuestionsError(wait);
      const { accepted, replayed } = await deps.askQuestion(body, idempotencyKeyOf(req));
      const replayHeader = replayed ? ['idempotent-replayed', 'true'] : [];
      send(res, 202, accepted, ['x-request-id', requestId, ...replayHeader]);
    } catch (error) {
      let httpError = toHttpError(error);
      if (!httpError) {
        deps.logger.error({ reqId: requestId, err: error, method: 'POST', path: ROUTE }, 'unhandled error');
        httpError = new HttpError(500, INTERNAL_ERROR);
      }
      sendError(res, httpError, requestId);
    }
  };

  return (req, res) => {
    if (req.method !== 'POST' || req.url !== ROUTE || !isPlainJsonBody(req)) return false;
    if (deps.tokens.apiToken && !tokenMatches(deps.tokens.apiToken, tokenOf(req))) return false;
    void answer(req, res);
    return true;
  };
}

/** Same-origin or server-to-server, uncompressed UTF-8 JSON with a length within the limit. */
function isPlainJsonBody(req: IncomingMessage): boolean {
  const { headers } = req;
  if (headers.origin !== undefined || headers['transfer-encoding'] !== undefined) return false;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  if (!JSON_CONTENT_TYPE.test(headers['content-type'] ?? '')) return false;
  const length = headers['content-length'];
  return length !== undefined && /^\d{1,6}$/.test(length) && Number(length) <= MAX_JSON_BODY_BYTES;
}

function idempotencyKeyOf(req: IncomingMessage): string | undefined {
  const value = req.headers['idempotency-key'];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The body as text; null when the client went away before sending all of it, after calling
 * `aborted` at once, within the 'aborted' event: body-parser answers there too (with a 400 no
 * one may read), so both paths log and count such a request alike.
 */
function readBody(req: IncomingMessage, aborted: () => void): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('aborted', () => {
      aborted();
      resolve(null);
    });
    req.once('close', () => {
      if (!req.complete) resolve(null);
    });
  });
}

/**
 * As express.json({ strict: true }) reads a body: an object or array; an empty body is {}; a
 * byte-order mark is dropped (body-parser's decoder does that).
 */
function parseStrictJson(body: string): unknown {
  const text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  if (text.length === 0) return {};
  const first = text[text.search(/[^ \t\n\r]/)]; // after JSON's whitespace
  if (first !== '{' && first !== '[') throw invalidJsonError();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidJsonError();
  }
  if (containsNul(parsed)) throw nulCharacterError();
  return parsed;
}
