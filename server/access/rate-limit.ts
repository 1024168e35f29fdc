/**
 * Questions per minute per client address (RATE_LIMIT_PER_MINUTE), for REST and socket `ask`
 * alike. Kept in each instance's memory: with N instances behind a balancer a client may ask up
 * to N times the limit, which is the usual trade for not writing to the database per request.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

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

/** What a client over the limit is told, over HTTP and over its socket. */
export function tooManyQuestionsMessage(waitSeconds: number): string {
  return `Too many questions; try again in ${waitSeconds} s.`;
}
