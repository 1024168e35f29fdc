/**
 * A question carrying U+0000 cannot be stored (server/db/nul-characters.ts), so JSON bodies with
 * a NUL in any string are refused here, before they reach the queue.
 */
import type { RequestHandler } from 'express';
import { containsNul } from '../db/nul-characters.js';
import { HttpError } from './errors.js';

export function nulCharacterError(): HttpError {
  return new HttpError(400, 'Text must not contain NUL (U+0000) characters.');
}

export const refuseNulCharacters: RequestHandler = (req, _res, next) => {
  if (containsNul(req.body)) return next(nulCharacterError());
  next();
};
