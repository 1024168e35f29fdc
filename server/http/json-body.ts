/**
 * The body step of the chain: a JSON body sent to /api becomes req.body. The usual body (UTF-8
 * JSON, not compressed) is read here; anything else (another charset, a compressed body, another
 * media type) goes to express.json, whose rules apply to it unchanged. Read either way, a body
 * with a NUL in any string is refused: PostgreSQL cannot store one (server/db/nul-characters.ts).
 */
import type { IncomingMessage } from 'node:http';
import express, { type RequestHandler } from 'express';
import { containsNul } from '../db/nul-characters.js';
import { HttpError } from '../edge/http-error.js';
import { abortedRequestError, bodyTooLargeError, invalidJsonError } from './errors.js';

const PLAIN_JSON = /^application\/json\s*(?:;\s*charset\s*=\s*(?:utf-8|"utf-8")\s*)?$/i;
/** As express mounts a path: any case, then a slash or the end. */
const API_PATH = /^\/api(?:\/|$)/i;

export function nulCharacterError(): HttpError {
  return new HttpError(400, 'Text must not contain NUL (U+0000) characters.');
}

export function jsonBody(limitBytes: number): RequestHandler {
  const bodyParser = express.json({ limit: limitBytes, strict: true });
  return (req, res, next) => {
    if (!API_PATH.test(req.path) || !hasBody(req)) return next();
    const parsed = (error?: unknown) => {
      if (error) return next(error);
      next(containsNul(req.body) ? nulCharacterError() : undefined);
    };
    if (!isPlainJson(req)) return bodyParser(req, res, parsed);
    readBody(req, limitBytes, (error, text) => {
      if (error) return parsed(error);
      try {
        req.body = parseStrictJson(text);
      } catch (refused) {
        return parsed(refused);
      }
      parsed();
    });
  };
}

/** As type-is decides it: a body is coming when its length or its transfer encoding is given. */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || !Number.isNaN(Number(req.headers['content-length']));
}

function isPlainJson(req: IncomingMessage): boolean {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  return PLAIN_JSON.test(req.headers['content-type'] ?? '');
}

/**
 * The body as UTF-8 text, at most `limitBytes`. A refused body is still read to its end before
 * the answer, as body-parser does: answering earlier could reset the connection under a client
 * still sending. A client that leaves before sending it all is answered at once, within the
 * 'aborted' event as body-parser does, so that its log line carries the 400 (no one reads it).
 */
function readBody(req: IncomingMessage, limitBytes: number, done: (error: Error | undefined, text: string) => void) {
  const chunks: Buffer[] = [];
  let size = 0;
  let refused: Error | undefined;
  let settled = false;
  const settle = (error: Error | undefined) => {
    if (settled) return;
    settled = true;
    req.off('data', onData);
    done(error, error ? '' : Buffer.concat(chunks, size).toString('utf8'));
  };
  const refuse = (error: Error) => {
    refused = error;
    req.off('data', onData);
    req.resume(); // read to the end, unkept
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limitBytes) refuse(bodyTooLargeError());
    else chunks.push(chunk);
  };
  req.once('end', () => settle(refused));
  req.once('aborted', () => settle(abortedRequestError()));
  req.once('close', () => settle(req.complete ? refused : abortedRequestError()));
  if (Number(req.headers['content-length']) > limitBytes) refuse(bodyTooLargeError());
  else req.on('data', onData);
}

/**
 * As express.json({ strict: true }) reads a body: an object or an array; an empty body is {}; a
 * byte-order mark is dropped (body-parser's decoder does that).
 */
function parseStrictJson(body: string): unknown {
  const text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  if (text.length === 0) return {};
  const first = text[text.search(/[^ \t\n\r]/)]; // after JSON's whitespace
  if (first !== '{' && first !== '[') throw invalidJsonError();
  try {
    return JSON.parse(text);
  } catch {
    throw invalidJsonError();
  }
}
