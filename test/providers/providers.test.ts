/**
 * The providers, driven through the real SDKs against a local server that speaks each wire
 * protocol: streaming, usage, error classification, Retry-After, timeouts, broken streams, the
 * circuit breaker and the fallback.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { AnthropicProvider } from '../../server/providers/anthropic.js';
import { createProvider } from '../../server/providers/index.js';
import { OpenAiCompatibleProvider } from '../../server/providers/openai-compatible.js';
import { ResilientProvider } from '../../server/providers/resilient.js';
import { type LlmProvider, ProviderError } from '../../server/providers/types.js';
import { type FakeLlmServer, startFakeLlmServer } from '../helpers/fake-llm-server.js';

let fake: FakeLlmServer;
beforeAll(async () => {
  fake = await startFakeLlmServer();
});
afterAll(async () => fake?.close());
afterEach(() => {
  fake.requests.length = 0;
  fake.fallback = { kind: 'answer', pieces: ['Rest, ', 'fluids ', 'and time.'] };
});

const SECRET = 'sk-test-secret-key-123456';

const providers: Record<string, () => LlmProvider> = {
  anthropic: () =>
    new AnthropicProvider({
      apiKey: SECRET,
      baseUrl: fake.anthropicBaseUrl,
      model: 'claude-test',
      maxTokens: 500,
      timeoutMs: 400,
    }),
  openai: () =>
    new OpenAiCompatibleProvider({
      name: 'openai',
      identity: { label: 'OpenAI', keyVariable: 'OPENAI_API_KEY' },
      apiKey: SECRET,
      baseUrl: fake.openAiBaseUrl,
      model: 'gpt-test',
      temperature: 0.3,
      maxTokens: 500,
      timeoutMs: 400,
    }),
};

async function run(provider: LlmProvider, signal = new AbortController().signal) {
  const pieces: string[] = [];
  const result = await provider.complete({
    system: 'You are careful.',
    messages: [
      { role: 'user', content: 'Earlier question' },
      { role: 'assistant', content: 'Earlier answer' },
      { role: 'user', content: 'What helps a cold?' },
    ],
    signal,
    onText: (text) => pieces.push(text),
  });
  return { result, pieces };
}

async function failure(provider: LlmProvider): Promise<ProviderError> {
  try {
    await run(provider);
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe.each(Object.keys(providers))('%s', (name) => {
  const make = providers[name] as () => LlmProvider;

  it('streams the answer in order and reports usage and model', async () => {
    fake.script({
      kind: 'answer',
      pieces: ['Rest', ' and', ' fluids.'],
      promptTokens: 40,
      completionTokens: 7,
      model: 'served-model',
    });
    const { result, pieces } = await run(make());
    expect(pieces).toEqual(['Rest', ' and', ' fluids.']);
    expect(result).toEqual({
      text: 'Rest and fluids.',
      usage: { promptTokens: 40, completionTokens: 7 },
      provider: name,
      model: 'served-model',
    });
    const [request] = fake.requests;
    expect(request?.body.stream).toBe(true);
    if (name === 'anthropic') {
      expect(request?.path).toBe('/v1/messages');
      // SDK 1.x authenticates with a bearer token and pins the API version.
      expect(request?.headers.authorization ?? `Bearer ${request?.headers['x-api-key']}`).toBe(`Bearer ${SECRET}`);
      expect(request?.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(request?.body.system).toBe('You are careful.');
      expect(request?.body.messages).toEqual([
        { role: 'user', content: 'Earlier question' },
        { role: 'assistant', content: 'Earlier answer' },
        { role: 'user', content: 'What helps a cold?' },
      ]);
      expect(request?.body.max_tokens).toBe(500);
    } else {
      expect(request?.path).toBe('/v1/chat/completions');
      expect(request?.headers.authorization).toBe(`Bearer ${SECRET}`);
      expect(request?.body.stream_options).toEqual({ include_usage: true });
      expect((request!.body.messages as unknown[])[0]).toEqual({ role: 'system', content: 'You are careful.' });
      expect(request?.body.temperature).toBe(0.3);
      expect(request?.body.max_tokens).toBe(500);
    }
  });

  it('classifies 429 as retryable and honours retry-after (seconds) and retry-after-ms', async () => {
    fake.script({ kind: 'error', status: 429, headers: { 'retry-after': '3' } });
    const limited = await failure(make());
    expect(limited).toMatchObject({ retryable: true, status: 429, retryAfterMs: 3000 });
    expect(limited.message).toMatch(/rate limiting/);
    fake.script({ kind: 'error', status: 429, headers: { 'retry-after-ms': '1500' } });
    expect(await failure(make())).toMatchObject({ retryAfterMs: 1500 });
  });

  it('classifies 500 and overload as retryable, and the next call succeeds', async () => {
    fake.script({ kind: 'error', status: 500 });
    expect(await failure(make())).toMatchObject({ retryable: true, status: 500 });
    fake.script({ kind: 'error', status: name === 'anthropic' ? 529 : 503, message: 'Overloaded' });
    const overloaded = await failure(make());
    expect(overloaded.retryable).toBe(true);
    expect(overloaded.message).toMatch(/overloaded|server error/);
    expect((await run(make())).result.text).toBe('Rest, fluids and time.');
  });

  it('fails at once on 400, 401, 403, 404 and 422 with a message that says what to fix and no key', async () => {
    const expectations: Array<[number, RegExp]> = [
      [400, /rejected the request as invalid \(400\)/],
      [401, /API key was rejected \(401\): check (ANTHROPIC|OPENAI)_API_KEY/],
      [403, /not allowed/],
      [404, /LLM_MODEL/],
      [422, /could not process/],
    ];
    for (const [status, message] of expectations) {
      fake.script({ kind: 'error', status, message: `bad thing, key ${SECRET} leaked?` });
      const error = await failure(make());
      expect(error.retryable, String(status)).toBe(false);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain(SECRET);
      expect(error.message).not.toMatch(/\n\s+at /);
    }
  });

  it('times out on a server that never answers (retryable)', async () => {
    fake.script({ kind: 'hang' });
    const started = performance.now();
    const error = await failure(make());
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/did not answer in time|could not be reached/);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('treats a stream cut in the middle as retryable, after streaming what arrived', async () => {
    fake.script({ kind: 'cut', pieces: ['Half ', 'an '] });
    const pieces: string[] = [];
    const error = await make()
      .complete({
        system: 's',
        messages: [{ role: 'user', content: 'q' }],
        signal: new AbortController().signal,
        onText: (t) => pieces.push(t),
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).retryable).toBe(true);
    expect(pieces.join('')).toBe('Half an ');
  });

  it('treats malformed JSON in the stream as retryable', async () => {
    fake.script({ kind: 'malformed' });
    expect(await failure(make())).toMatchObject({ retryable: true });
  });

  it('lets an abort through as an abort (cancel, shutdown), not as a provider failure', async () => {
    fake.script({ kind: 'hang' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await run(make(), controller.signal).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).not.toBeInstanceOf(ProviderError);
    expect(controller.signal.aborted).toBe(true);
  });
});

describe('circuit breaker and fallback', () => {
  it('opens after repeated failures: calls fail fast without reaching the provider', async () => {
    const breaking = new ResilientProvider([providers.openai?.() as LlmProvider], {
      consecutiveFailures: 2,
      openCircuitMs: 60_000,
    });
    fake.fallback = { kind: 'error', status: 500 };
    await failure(breaking);
    await failure(breaking);
    const before = fake.requests.length;
    const fast = await failure(breaking);
    expect(fake.requests.length).toBe(before); // not called
    expect(fast).toMatchObject({ retryable: true, retryAfterMs: 60_000 });
    expect(fast.message).toMatch(/openai provider is failing; calls to it are paused/);
  });

  it('answers with the fallback while the primary fails, and records who answered', async () => {
    const chain = new ResilientProvider([providers.openai?.() as LlmProvider, providers.anthropic?.() as LlmProvider], {
      consecutiveFailures: 2,
    });
    fake.script({ kind: 'error', status: 503 }, { kind: 'answer', pieces: ['From ', 'Claude.'] });
    const { result } = await run(chain);
    expect(result).toMatchObject({ text: 'From Claude.', provider: 'anthropic' });
    expect(fake.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/messages']);
  });

  it('does not switch providers in the middle of a streamed answer', async () => {
    const chain = new ResilientProvider([providers.openai?.() as LlmProvider, providers.anthropic?.() as LlmProvider]);
    fake.script({ kind: 'cut', pieces: ['Half'] });
    const error = await failure(chain);
    expect(error.retryable).toBe(true);
    expect(fake.requests).toHaveLength(1); // the retry policy restarts the attempt instead
  });
});

describe('every provider selected through configuration', () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ['anthropic', { LLM_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: SECRET }, 'anthropic'],
    ['openai', { LLM_PROVIDER: 'openai', OPENAI_API_KEY: SECRET }, 'openai'],
    ['deepseek', { LLM_PROVIDER: 'deepseek', DEEPSEEK_API_KEY: SECRET }, 'deepseek'],
    ['a local OpenAI-compatible server, no key', { LLM_PROVIDER: 'openai' }, 'openai'],
    ['mock', { LLM_PROVIDER: 'mock', MOCK_LATENCY_MS: '0' }, 'mock'],
  ];
  it.each(cases)('%s', async (_label, env, expected) => {
    const config = loadConfig({
      ...env,
      ANTHROPIC_BASE_URL: fake.anthropicBaseUrl,
      OPENAI_BASE_URL: fake.openAiBaseUrl,
      DEEPSEEK_BASE_URL: fake.openAiBaseUrl,
    });
    const provider = createProvider(config.llm);
    expect(provider.name).toBe(expected);
    const { result } = await run(provider);
    expect(result.provider).toBe(expected);
    expect(result.text.length).toBeGreaterThan(0);
    if (expected === 'deepseek') expect(fake.requests.at(-1)?.body.model).toBe('deepseek-chat');
  });

  it('refuses a provider without its key at start-up, with a clear message', () => {
    expect(() => loadConfig({ LLM_PROVIDER: 'anthropic' })).toThrow('LLM_PROVIDER=anthropic needs ANTHROPIC_API_KEY.');
    expect(() => loadConfig({ LLM_PROVIDER: 'openai' })).toThrow(/needs OPENAI_API_KEY/);
    expect(() => loadConfig({ LLM_PROVIDER: 'mock', LLM_FALLBACK: 'deepseek' })).toThrow(
      /LLM_FALLBACK includes deepseek/,
    );
    expect(() => loadConfig({ LLM_PROVIDER: 'openai', OPENAI_BASE_URL: 'http://ollama:11434/v1' })).not.toThrow();
  });
});
