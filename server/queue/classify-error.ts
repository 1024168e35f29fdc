import { ProviderError } from '../providers/types.js';

/**
 * Every failure of a provider call as a ProviderError. Providers classify their own errors; what
 * reaches here unclassified is unexpected (a bug or a dropped connection) and is retried, with a
 * message that is safe to show (the original goes to the log).
 */
export function asProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  return new ProviderError('The model provider could not be reached.', { retryable: true, cause: error });
}
