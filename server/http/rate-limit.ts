/**
 * Questions per minute per client address (RATE_LIMIT_PER_MINUTE), for REST and socket `ask`
 * alike. Kept in each instance's memory: with N instances behind a balancer a client may ask up
 * to N times the limit, which is the usual trade for not writing to the database per request.
 */
import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from './errors.js';

export interface QuestionRateLimiter {
  /** Counts one question; the seconds to wait when over the limit, else 0. */
  take(clientAddress: string): Promise<number>;
}

export function createQuestionRateLimiter(perMinute: number): QuestionRateLimiter {
  if (perMinute === 0) return { take: async () => 0 };
  const limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  return {
    async take(clientAddress) {
      try {
        await limiter.consume(clientAddress, 1);
        return 0;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw rejection;
      }
    },
  };
}

export function tooManyQuestionsError(waitSeconds: number): HttpError {
  return new HttpError(429, `Too many questions; try again in ${waitSeconds} s.`, {
    'Retry-After': String(waitSeconds),
  });
}

export function limitQuestions(limiter: QuestionRateLimiter): RequestHandler {
  return async (req, _res, next) => {
    const wait = await limiter.take(req.ip ?? 'unknown');
    if (wait === 0) return next();
    next(tooManyQuestionsError(wait));
  };
}
