import { ProviderError } from '../providers/types.js';

/**
 * Runs `call` with a signal that aborts when no progress was reported for `timeoutMs` (a hung
 * server, or a stream that stalls), or when `outer` aborts. A stall becomes a retryable error.
 */
export async function withStallTimeout<T>(
  params: { timeoutMs: number; outer: AbortSignal },
  call: (signal: AbortSignal, progress: () => void) => Promise<T>,
): Promise<T> {
  const stall = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(), params.timeoutMs);
  };
  arm();
  try {
    return await call(AbortSignal.any([params.outer, stall.signal]), arm);
  } catch (error) {
    if (stall.signal.aborted && !params.outer.aborted) {
      throw new ProviderError(`The model did not respond within ${Math.round(params.timeoutMs / 1000)} s.`, {
        retryable: true,
        cause: error,
      });
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
