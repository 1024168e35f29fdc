/**
 * The stall timeout (LLM_TIMEOUT_MS) around a real provider call: it fires before the first byte
 * and between chunks, never cuts off a slow but steady stream, and a provider that stalls opens
 * its circuit like one that fails.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicProvider } from '../../server/providers/anthropic.js';
import { isAbort } from '../../server/providers/errors.js';
import { OpenAiCompatibleProvider } from '../../server/providers/openai-compatible.js';
import { ResilientProvider } from '../../server/providers/resilient.js';
import { type LlmProvider, ProviderError } from '../../server/providers/types.js';
import { withStallTimeout } from '../../server/queue/stall-timeout.js';
import { type FakeLlmServer, startFakeLlmServer } from '../helpers/fake-llm-server.js';

let fake: FakeLlmServer;
beforeAll(async () => {
  fake = await startFakeLlmServer();
  // Warm both SDKs up: a first call loads code lazily, which on a busy machine can take longer
  // than the short timeout used here.
  for (const make of Object.values(providers)) {
    await make().complete({
      system: 's',
      messages: [{ role: 'user', content: 'q' }],
      signal: new AbortController().signal,
      onText: () => undefined,
    });
  }
  fake.reset();
});
afterAll(async () => fake?.close());
afterEach(() => {
  const unused = fake.pending();
  fake.reset();
  expect(unused, 'scripted behaviours left unused').toBe(0);
});

const STALL_MS = 400;
// The SDKs' own timeout (until the headers) is longer here, so the stall timeout is what fires.
const SDK_TIMEOUT_MS = 5000;

const providers = {
  anthropic: (): LlmProvider =>
    new AnthropicProvider({
      apiKey: 'sk-test',
      baseUrl: fake.anthropicBaseUrl,
      model: 'claude-test',
      maxTokens: 100,
      timeoutMs: SDK_TIMEOUT_MS,
    }),
  openai: (): LlmProvider =>
    new OpenAiCompatibleProvider({
      name: 'openai',
      identity: { label: 'OpenAI', keyVariable: 'OPENAI_API_KEY' },
      apiKey: 'sk-test',
      baseUrl: fake.openAiBaseUrl,
      model: 'gpt-test',
      temperature: 0.5,
      maxTokens: 100,
      timeoutMs: SDK_TIMEOUT_MS,
    }),
};

/** One call as the dispatcher makes it: text counts as progress. */
async function call(provider: LlmProvider, outer = new AbortController().signal) {
  const pieces: string[] = [];
  const started = performance.now();
  const outcome = await withStallTimeout({ timeoutMs: STALL_MS, outer }, (signal, progress) =>
    provider.complete({
      system: 's',
      messages: [{ role: 'user', content: 'q' }],
      signal,
      onText: (text) => {
        progress();
        pieces.push(text);
      },
    }),
  ).then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error }),
  );
  return { ...outcome, pieces, ms: performance.now() - started };
}

describe.each(Object.keys(providers) as Array<keyof typeof providers>)('%s', (name) => {
  const make = providers[name];

  it('aborts a server that never answers after the timeout, as a retryable error', async () => {
    fake.script({ kind: 'hang' });
    const { error, ms } = await call(make());
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      retryable: true,
      message: 'The model sent nothing for 400 ms (LLM_TIMEOUT_MS) and was stopped.',
    });
    expect(ms).toBeGreaterThanOrEqual(STALL_MS - 20);
    expect(ms).toBeLessThan(STALL_MS + 1500);
  });

  it('aborts a stream that stalls between chunks', async () => {
    fake.script({ kind: 'stall', pieces: ['Half ', 'an '] });
    const { error, pieces, ms } = await call(make());
    expect(error).toMatchObject({ retryable: true, message: expect.stringMatching(/^The model sent nothing for/) });
    expect(pieces.join('')).toBe('Half an ');
    expect(ms).toBeLessThan(STALL_MS + 1500);
  });

  it('lets a slow but steady stream finish, however long it takes in total', async () => {
    fake.script({ kind: 'answer', pieces: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], delayMs: 150 });
    const { result, error, ms } = await call(make());
    expect(error).toBeUndefined();
    expect(result?.text).toBe('abcdefg');
    expect(ms).toBeGreaterThan(2 * STALL_MS); // longer than the timeout in total
  });

  it('passes a cancellation through as an abort, not as a timeout', async () => {
    fake.script({ kind: 'hang' });
    const outer = new AbortController();
    const calling = call(make(), outer.signal);
    // Cancelled once the server holds the request. (A fixed 50 ms raced the SDK's start on a busy
    // machine: the request then arrived after the test and took the next test's script.)
    await expect.poll(() => fake.requests.length, { interval: 5 }).toBe(1);
    const cancelledAt = performance.now();
    outer.abort();
    const { error } = await calling;
    expect(isAbort(error)).toBe(true);
    expect(error).not.toBeInstanceOf(ProviderError);
    expect(performance.now() - cancelledAt).toBeLessThan(STALL_MS);
  });
});

describe('a provider that stalls and the circuit breaker', () => {
  it('counts stalls as failures: the circuit opens and the fallback answers without waiting', async () => {
    const chain = new ResilientProvider([providers.openai(), providers.anthropic()], {
      consecutiveFailures: 2,
      openCircuitMs: 60_000,
    });
    fake.script({ kind: 'hang' }, { kind: 'stall', pieces: ['Hal'] });
    for (let i = 0; i < 2; i++) expect((await call(chain)).error).toMatchObject({ retryable: true });
    expect(fake.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions']);
    fake.requests.length = 0;
    fake.script({ kind: 'answer', pieces: ['From ', 'Claude.'] });
    const { result, ms } = await call(chain);
    expect(result).toMatchObject({ text: 'From Claude.', provider: 'anthropic' });
    expect(fake.requests.map((r) => r.path)).toEqual(['/v1/messages']);
    expect(ms).toBeLessThan(STALL_MS);
  });

  it('without a fallback, an open circuit fails fast with the time it stays open', async () => {
    const single = new ResilientProvider([providers.anthropic()], { consecutiveFailures: 1, openCircuitMs: 30_000 });
    fake.script({ kind: 'hang' });
    expect((await call(single)).error).toMatchObject({ retryable: true });
    const { error, ms } = await call(single);
    expect(ms).toBeLessThan(100);
    expect(error).toMatchObject({ retryable: true, retryAfterMs: expect.any(Number) });
    expect((error as ProviderError).retryAfterMs).toBeGreaterThan(29_000);
    expect(fake.requests).toHaveLength(1);
  });
});
