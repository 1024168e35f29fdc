/**
 * PostgreSQL text cannot hold U+0000. A question carrying one fails its INSERT, and with it every
 * question batched into the same statement (server/db/batcher.ts), so JSON bodies with a NUL in
 * any string are refused here, before they reach the queue.
 */
import type { RequestHandler } from 'express';
import { HttpError } from './errors.js';

/** Walks the parsed JSON without recursion: bodies may be nested thousands of levels deep. */
export function containsNul(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return true;
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (key.includes('\u0000')) return true;
        pending.push(child);
      }
    }
  }
  return false;
}

export function nulCharacterError(): HttpError {
  return new HttpError(400, 'Text must not contain NUL (U+0000) characters.');
}

export const refuseNulCharacters: RequestHandler = (req, _res, next) => {
  if (containsNul(req.body)) return next(nulCharacterError());
  next();
};
