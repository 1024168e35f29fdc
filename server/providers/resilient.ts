/**
 * Circuit breaking and fallback around the providers. Each provider has its own breaker
 * (cockatiel): after CONSECUTIVE_FAILURES retryable failures in a row it opens, and calls fail
 * fast for a while instead of waiting on a provider that is down. With LLM_FALLBACK the next
 * provider in the chain answers when one fails or its circuit is open; the result names the
 * provider that answered.
 *
 * A provider that fails after it has already streamed text is not replaced mid-answer: the
 * error goes to the retry policy, whose next attempt restarts the deltas (and may then fall back).
 *
 * A stall (the caller's timeout aborts the signal with a retryable ProviderError as its reason)
 * counts as a failure of the provider that stalled, so a hung provider opens its circuit too.
 */
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import { isAbort } from './errors.js';
import {
  type CompletionRequest,
  type CompletionResult,
  type LlmProvider,
  ProviderError,
  type StructuredRequest,
  type StructuredResult,
} from './types.js';

export const CONSECUTIVE_FAILURES = 5;
export const OPEN_CIRCUIT_MS = 30_000;

interface Guarded {
  provider: LlmProvider;
  breaker: CircuitBreakerPolicy;
  /** When the circuit last opened (Date.now()), to say how long it stays open. */
  openedAt: number;
}

/** Unclassified errors are retried (server/queue/classify-error.ts), so they count as retryable. */
function isRetryable(error: unknown): boolean {
  return !(error instanceof ProviderError) || error.retryable;
}

/** The retryable error a timeout aborted the call with, if a timeout is why it stopped. */
function stallReason(signal: AbortSignal): ProviderError | undefined {
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  return reason instanceof ProviderError && reason.retryable ? reason : undefined;
}

export class ResilientProvider implements LlmProvider {
  private readonly chain: Guarded[];
  private readonly openCircuitMs: number;

  constructor(providers: LlmProvider[], options: { openCircuitMs?: number; consecutiveFailures?: number } = {}) {
    if (providers.length === 0) throw new Error('ResilientProvider needs at least one provider');
    this.openCircuitMs = options.openCircuitMs ?? OPEN_CIRCUIT_MS;
    this.chain = providers.map((provider) => {
      const breaker = circuitBreaker(
        // Only failures of the provider count, not our own bad requests or cancellations.
        handleWhen((error) => error instanceof ProviderError && error.retryable),
        {
          halfOpenAfter: this.openCircuitMs,
          breaker: new ConsecutiveBreaker(options.consecutiveFailures ?? CONSECUTIVE_FAILURES),
        },
      );
      const guarded: Guarded = { provider, breaker, openedAt: 0 };
      breaker.onBreak(() => {
        guarded.openedAt = Date.now();
      });
      return guarded;
    });
  }

  get name(): string {
    return (this.chain[0] as Guarded).provider.name;
  }

  get model(): string {
    return (this.chain[0] as Guarded).provider.model;
  }

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    // Once every provider failed, the error to report: the last retryable one if any, so that a
    // provider which may recover gets its retry even when a fallback refused the request (a bad key).
    let report: unknown;
    for (const guarded of this.chain) {
      const { provider, breaker } = guarded;
      let streamed = false;
      try {
        return await breaker.execute(() =>
          provider
            .complete({
              ...request,
              onText: (text) => {
                streamed = true;
                request.onText(text);
              },
            })
            .catch((error: unknown) => {
              throw stallReason(request.signal) ?? error;
            }),
        );
      } catch (error) {
        if (isAbort(error) || request.signal.aborted) throw error;
        const failure =
          error instanceof BrokenCircuitError
            ? new ProviderError(
                `The ${provider.name} provider kept failing, so calls to it are paused for a while; try again later.`,
                // Retry once the circuit lets a call through again, not sooner.
                { retryable: true, retryAfterMs: this.stillOpenMs(guarded), cause: error },
              )
            : error;
        // The message row and the metrics name the provider that failed, not the chain's first.
        if (failure instanceof ProviderError) failure.failedProvider ??= { name: provider.name, model: provider.model };
        if (streamed) throw failure;
        if (report === undefined || isRetryable(failure) || !isRetryable(report)) report = failure;
      }
    }
    throw report;
  }

  /**
   * A structured call down the same chain, once each: a provider whose circuit is open is passed
   * over, and one without structured answers (the mock) too. It does not count for the breakers:
   * its caller's short deadline is no verdict on the provider.
   */
  async structured(request: StructuredRequest): Promise<StructuredResult> {
    let failure: unknown = new ProviderError('No provider of the chain can give a structured answer now.', {
      retryable: true,
    });
    for (const { provider, breaker } of this.chain) {
      const open = breaker.state === CircuitState.Open || breaker.state === CircuitState.Isolated;
      if (open || !provider.structured) continue;
      try {
        return await provider.structured(request);
      } catch (error) {
        if (isAbort(error) || request.signal.aborted) throw error;
        failure = error;
      }
    }
    throw failure;
  }

  /** How long the circuit stays open from now. */
  private stillOpenMs(guarded: Guarded): number {
    return Math.max(0, guarded.openedAt + this.openCircuitMs - Date.now());
  }
}
