import { ProviderError } from '../providers/types.js';

/** "60 s", "1.5 s", "300 ms": the timeout as a person reads it. */
function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

/**
 * Runs `call` with a signal that aborts when no progress was reported for `timeoutMs` (a server
 * that never answers, or a stream that stalls between chunks; a slow but steady stream is never
 * cut off), or when `outer` aborts. A stall becomes a retryable error, which is also the signal's
 * abort reason, so a provider chain can count it as its provider's failure (circuit breaker).
 */
export async function withStallTimeout<T>(
  params: { timeoutMs: number; outer: AbortSignal },
  call: (signal: AbortSignal, progress: () => void) => Promise<T>,
): Promise<T> {
  const stall = new AbortController();
  const stalled = new ProviderError(
    `The model sent nothing for ${duration(params.timeoutMs)} (LLM_TIMEOUT_MS) and was stopped.`,
    { retryable: true },
  );
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(stalled), params.timeoutMs);
  };
  arm();
  try {
    return await call(AbortSignal.any([params.outer, stall.signal]), arm);
  } catch (error) {
    if (stall.signal.aborted && !params.outer.aborted) throw stalled;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
