/** How long to wait before retry number `retry` (1 for the first retry). */
export function retryDelayMs(params: {
  retry: number;
  baseMs: number;
  /** The provider's Retry-After, honoured when it is longer than our backoff. */
  retryAfterMs?: number | undefined;
  maxMs?: number;
  /** The longest Retry-After honoured. */
  maxRetryAfterMs?: number;
  random?: () => number;
}): number {
  const random = params.random ?? Math.random;
  const maxMs = params.maxMs ?? 60_000;
  const exponential = Math.min(maxMs, params.baseMs * 2 ** (params.retry - 1));
  // "Equal jitter": at least half the exponential delay, so retries of many messages spread out
  // without any of them retrying almost at once.
  const jittered = exponential / 2 + random() * (exponential / 2);
  // A provider may ask for an hour; the worker waits (holding its slot) five minutes at most.
  const retryAfterMs = Math.min(params.retryAfterMs ?? 0, params.maxRetryAfterMs ?? 5 * 60_000);
  return Math.max(jittered, retryAfterMs);
}
