/**
 * Circuit breaking and fallback around the providers. Each provider has its own breaker
 * (cockatiel): after CONSECUTIVE_FAILURES retryable failures in a row it opens, and calls fail
 * fast for a while instead of waiting on a provider that is down. With LLM_FALLBACK the next
 * provider in the chain answers when one fails or its circuit is open; the result names the
 * provider that answered.
 *
 * A provider that fails after it has already streamed text is not replaced mid-answer: the
 * error goes to the retry policy, whose next attempt restarts the deltas (and may then fall back).
 */
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import { isAbort } from './errors.js';
import { type CompletionRequest, type CompletionResult, type LlmProvider, ProviderError } from './types.js';

export const CONSECUTIVE_FAILURES = 5;
export const OPEN_CIRCUIT_MS = 30_000;

interface Guarded {
  provider: LlmProvider;
  breaker: CircuitBreakerPolicy;
}

export class ResilientProvider implements LlmProvider {
  private readonly chain: Guarded[];
  private readonly openCircuitMs: number;

  constructor(providers: LlmProvider[], options: { openCircuitMs?: number; consecutiveFailures?: number } = {}) {
    if (providers.length === 0) throw new Error('ResilientProvider needs at least one provider');
    this.openCircuitMs = options.openCircuitMs ?? OPEN_CIRCUIT_MS;
    this.chain = providers.map((provider) => ({
      provider,
      breaker: circuitBreaker(
        // Only failures of the provider count, not our own bad requests or cancellations.
        handleWhen((error) => error instanceof ProviderError && error.retryable),
        {
          halfOpenAfter: this.openCircuitMs,
          breaker: new ConsecutiveBreaker(options.consecutiveFailures ?? CONSECUTIVE_FAILURES),
        },
      ),
    }));
  }

  get name(): string {
    return (this.chain[0] as Guarded).provider.name;
  }

  get model(): string {
    return (this.chain[0] as Guarded).provider.model;
  }

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    let lastError: unknown;
    for (const [index, { provider, breaker }] of this.chain.entries()) {
      let streamed = false;
      try {
        return await breaker.execute(() =>
          provider.complete({
            ...request,
            onText: (text) => {
              streamed = true;
              request.onText(text);
            },
          }),
        );
      } catch (error) {
        if (isAbort(error) || request.signal.aborted) throw error;
        lastError =
          error instanceof BrokenCircuitError
            ? new ProviderError(
                `The ${provider.name} provider is failing; calls to it are paused for a while and will be retried.`,
                // Retry once the circuit lets a call through again, not sooner.
                { retryable: true, retryAfterMs: this.openCircuitMs, cause: error },
              )
            : error;
        const isLast = index === this.chain.length - 1;
        if (streamed || isLast) throw lastError;
      }
    }
    throw lastError;
  }
}
