/**
 * The provider chain's structured call (the triage's second opinion): down the chain once, past
 * providers without structured answers and past open circuits, never feeding the breakers, and
 * stopping at a cancellation.
 */
import { describe, expect, it } from 'vitest';
import { MockProvider } from '../../server/providers/mock.js';
import { ResilientProvider } from '../../server/providers/resilient.js';
import {
  type CompletionResult,
  type LlmProvider,
  ProviderError,
  type StructuredRequest,
  type StructuredResult,
} from '../../server/providers/types.js';

/** A provider whose answers and structured answers are what the test says, counting the calls. */
function provider(
  name: string,
  structured: ((request: StructuredRequest) => Promise<StructuredResult>) | undefined,
  complete: () => Promise<CompletionResult> = async () => ({
    text: 'ok',
    usage: { promptTokens: 1, completionTokens: 1 },
    provider: name,
    model: `${name}-1`,
  }),
): LlmProvider & { structuredCalls: number } {
  const counted = {
    name,
    model: `${name}-1`,
    structuredCalls: 0,
    complete,
    ...(structured && {
      structured: (request: StructuredRequest) => {
        counted.structuredCalls += 1;
        return structured(request);
      },
    }),
  };
  return counted;
}

const request = (signal = new AbortController().signal): StructuredRequest => ({
  system: 's',
  input: 'i',
  name: 'shape',
  description: 'd',
  jsonSchema: { type: 'object' },
  maxTokens: 10,
  signal,
});
const answer = (name: string) => async () => ({ value: { from: name }, provider: name, model: `${name}-1` });
const failing = (retryable: boolean) => async () => {
  throw new ProviderError('down', { retryable, status: retryable ? 503 : 400 });
};
const completion = { system: 's', messages: [{ role: 'user' as const, content: 'q' }], onText: () => undefined };

describe('ResilientProvider.structured', () => {
  it('asks the first provider that can; one that fails hands over to the next, once each', async () => {
    const first = provider('first', failing(true));
    const second = provider('second', answer('second'));
    const chain = new ResilientProvider([new MockProvider({ latencyMs: 0, failureRate: 0 }), first, second]);
    expect(await chain.structured(request())).toEqual({
      value: { from: 'second' },
      provider: 'second',
      model: 'second-1',
    });
    expect([first.structuredCalls, second.structuredCalls]).toEqual([1, 1]);
  });

  it('passes over an open circuit, and its failures never open one', async () => {
    const broken = provider('broken', failing(true), failing(true));
    const spare = provider('spare', answer('spare'));
    const chain = new ResilientProvider([broken, spare], { consecutiveFailures: 2 });
    // Structured failures, however many, leave the breaker closed: answers still go to `broken`.
    for (let i = 0; i < 3; i++) await chain.structured(request());
    expect(broken.structuredCalls).toBe(3);
    // Two failed answers open its circuit: structured calls skip it from then on.
    for (let i = 0; i < 2; i++)
      await chain.complete({ ...completion, signal: new AbortController().signal }).catch(() => undefined);
    await chain.structured(request());
    expect(broken.structuredCalls).toBe(3);
    expect(spare.structuredCalls).toBe(4);
  });

  it('reports the last failure when none answers, and stops at a cancellation', async () => {
    const refused = provider('refused', failing(false));
    await expect(new ResilientProvider([refused]).structured(request())).rejects.toMatchObject({ status: 400 });
    await expect(new ResilientProvider([provider('only-text', undefined)]).structured(request())).rejects.toThrow(
      /No provider of the chain/,
    );
    const controller = new AbortController();
    const hanging = provider(
      'hanging',
      (r) => new Promise((_, reject) => r.signal.addEventListener('abort', () => reject(r.signal.reason))),
    );
    const next = provider('next', answer('next'));
    const call = new ResilientProvider([hanging, next]).structured(request(controller.signal));
    controller.abort(new DOMException('stop', 'AbortError'));
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    expect(next.structuredCalls).toBe(0);
  });
});
