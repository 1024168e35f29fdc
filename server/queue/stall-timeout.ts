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
  let stalled: ProviderError | undefined;
  const timer = setTimeout(() => {
    stalled = new ProviderError(
      `The model sent nothing for ${duration(params.timeoutMs)} (LLM_TIMEOUT_MS) and was stopped.`,
      { retryable: true },
    );
    stall.abort(stalled);
  }, params.timeoutMs);
  // Called for every piece of text: refresh() re-arms the one timer rather than making a new one
  // per piece; a fired one stays fired.
  const progress = () => {
    if (!stall.signal.aborted) timer.refresh();
  };
  // The outer signal aborts the call too (linked by hand: AbortSignal.any is costly per call).
  const abortWithOuter = () => stall.abort(params.outer.reason);
  if (params.outer.aborted) abortWithOuter();
  else params.outer.addEventListener('abort', abortWithOuter, { once: true });
  try {
    return await call(stall.signal, progress);
  } catch (error) {
    if (stalled && !params.outer.aborted) throw stalled;
    throw error;
  } finally {
    clearTimeout(timer);
    params.outer.removeEventListener('abort', abortWithOuter);
  }
}
