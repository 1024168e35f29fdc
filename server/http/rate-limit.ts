/** The question rate limit (access/rate-limit.ts) as a step of the HTTP chain: 429 with Retry-After. */
import type { RequestHandler } from 'express';
import { type QuestionRateLimiter, tooManyQuestionsMessage } from '../access/rate-limit.js';
import { HttpError } from '../edge/http-error.js';

export function limitQuestions(limiter: QuestionRateLimiter): RequestHandler {
  return async (req, _res, next) => {
    const wait = await limiter.take(req.ip ?? 'unknown');
    if (wait === 0) return next();
    next(new HttpError(429, tooManyQuestionsMessage(wait), { 'Retry-After': String(wait) }));
  };
}
