/**
 * The providers, driven through the real SDKs against a local server that speaks each wire
 * protocol: streaming, usage, error classification, Retry-After, timeouts, broken streams, the
 * circuit breaker and the fallback.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { AnthropicProvider, DEFAULT_ANTHROPIC_MODEL } from '../../server/providers/anthropic.js';
import { isAbort, retryAfterMs } from '../../server/providers/errors.js';
import { createProvider } from '../../server/providers/index.js';
import { MockProvider, mockAnswer } from '../../server/providers/mock.js';
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
  const unused = fake.pending();
  fake.reset();
  expect(unused, 'scripted behaviours left unused').toBe(0);
});

const SECRET = 'sk-test-secret-key-123456';
/** The silence timeout where it is the thing tested; elsewhere a loaded machine must not trip it. */
const SDK_TIMEOUT_MS = 400;
const RELAXED_TIMEOUT_MS = 10_000;

const providers = {
  anthropic: (timeoutMs = RELAXED_TIMEOUT_MS): LlmProvider =>
    new AnthropicProvider({
      apiKey: SECRET,
      baseUrl: fake.anthropicBaseUrl,
      model: 'claude-test',
      maxTokens: 500,
      timeoutMs,
    }),
  openai: (timeoutMs = RELAXED_TIMEOUT_MS): LlmProvider =>
    new OpenAiCompatibleProvider({
      name: 'openai',
      identity: { label: 'OpenAI', keyVariable: 'OPENAI_API_KEY' },
      apiKey: SECRET,
      baseUrl: fake.openAiBaseUrl,
      model: 'gpt-test',
      temperature: 0.3,
      maxTokens: 500,
      timeoutMs,
    }),
};
type Name = keyof typeof providers;

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

/** The error a call fails with, and the text it streamed before. */
async function failure(provider: LlmProvider, signal?: AbortSignal): Promise<ProviderError & { pieces: string[] }> {
  const pieces: string[] = [];
  const error = await provider
    .complete({
      system: 's',
      messages: [{ role: 'user', content: 'q' }],
      signal: signal ?? new AbortController().signal,
      onText: (text) => pieces.push(text),
    })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  if (error === undefined) throw new Error('expected the call to fail');
  if (!(error instanceof ProviderError)) throw error;
  return Object.assign(error, { pieces });
}

describe.each(Object.keys(providers) as Name[])('%s', (name) => {
  const make = providers[name];
  const label = name === 'anthropic' ? 'Anthropic' : 'OpenAI';

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
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.body.stream).toBe(true);
    expect(request?.headers.authorization).toBe(`Bearer ${SECRET}`);
    if (name === 'anthropic') {
      expect(request?.path).toBe('/v1/messages');
      expect(request?.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(request?.body.model).toBe('claude-test');
      expect(request?.body.system).toBe('You are careful.');
      expect(request?.body.messages).toEqual([
        { role: 'user', content: 'Earlier question' },
        { role: 'assistant', content: 'Earlier answer' },
        { role: 'user', content: 'What helps a cold?' },
      ]);
      expect(request?.body.max_tokens).toBe(500);
    } else {
      expect(request?.path).toBe('/v1/chat/completions');
      expect(request?.body.model).toBe('gpt-test');
      expect(request?.body.stream_options).toEqual({ include_usage: true });
      expect(request?.body.messages).toEqual([
        { role: 'system', content: 'You are careful.' },
        { role: 'user', content: 'Earlier question' },
        { role: 'assistant', content: 'Earlier answer' },
        { role: 'user', content: 'What helps a cold?' },
      ]);
      expect(request?.body.temperature).toBe(0.3);
      expect(request?.body.max_tokens).toBe(500);
    }
  });

  it('classifies 429 as retryable, honours retry-after (seconds) and retry-after-ms, and never retries itself', async () => {
    fake.script({ kind: 'error', status: 429, headers: { 'retry-after': '3' } });
    const limited = await failure(make());
    expect(limited).toMatchObject({ retryable: true, status: 429, retryAfterMs: 3000 });
    expect(limited.message).toBe(`The ${label} API is rate limiting us (429); try again later.`);
    fake.script({ kind: 'error', status: 429, headers: { 'retry-after-ms': '1500' } });
    expect(await failure(make())).toMatchObject({ retryable: true, retryAfterMs: 1500 });
    // One request per call: the SDK's own retries (which honour these headers) are off.
    expect(fake.requests).toHaveLength(2);
  });

  it('classifies 500 as retryable without retrying inside the SDK; the next call succeeds', async () => {
    fake.script({ kind: 'error', status: 500 });
    const error = await failure(make());
    expect(error).toMatchObject({ retryable: true, status: 500, retryAfterMs: undefined });
    expect(error.message).toBe(`The ${label} API had a server error (500); try again later.`);
    expect(fake.requests).toHaveLength(1);
    expect((await run(make())).result.text).toBe('Rest, fluids and time.');
    expect(fake.requests).toHaveLength(2);
  });

  it('classifies 408, 409, 502, 503 and the overloaded answer as retryable', async () => {
    const overloaded = name === 'anthropic' ? 529 : 503;
    for (const status of [408, 409, 502, 503, overloaded]) {
      fake.script({ kind: 'error', status, message: status === overloaded ? 'Overloaded' : undefined });
      const error = await failure(make());
      expect(error, String(status)).toMatchObject({ retryable: true, status });
    }
    fake.script({ kind: 'error', status: overloaded, message: 'Overloaded' });
    expect((await failure(make())).message).toBe(`The ${label} API is overloaded (${overloaded}); try again later.`);
  });

  it('fails at once on 400, 401, 403, 404 and 422 with a message that says what to fix and no key', async () => {
    const key = name === 'anthropic' ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY';
    const expectations: Array<[number, string]> = [
      [400, `The ${label} API rejected the request as invalid (400). It said: "bad thing, key [redacted] leaked?"`],
      [401, `The ${label} API key was rejected (401): check ${key}.`],
      [403, `The ${label} API key is not allowed to do this (403): check ${key} and its permissions for model`],
      [404, `The ${label} API does not know model "${name === 'anthropic' ? 'claude-test' : 'gpt-test'}"`],
      [422, `The ${label} API could not process the request (422). It said: "bad thing, key [redacted] leaked?"`],
    ];
    for (const [status, message] of expectations) {
      fake.script({ kind: 'error', status, message: `bad thing, key ${SECRET} leaked?` });
      const error = await failure(make());
      expect(error.retryable, String(status)).toBe(false);
      expect(error.status).toBe(status);
      expect(error.message.startsWith(message), `${status}: ${error.message}`).toBe(true);
      expect(error.message).not.toContain(SECRET);
      expect(error.message).not.toMatch(/\n\s+at /);
    }
    expect(fake.requests).toHaveLength(5);
  });

  it('times out on a server that never answers (retryable), after the timeout and no retry', async () => {
    fake.script({ kind: 'hang' });
    const started = performance.now();
    const error = await failure(make(SDK_TIMEOUT_MS));
    const elapsed = performance.now() - started;
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`The ${label} API did not answer in time (LLM_TIMEOUT_MS).`);
    expect(elapsed).toBeGreaterThanOrEqual(SDK_TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(3000);
    expect(fake.requests).toHaveLength(1);
  });

  it('treats a stream cut in the middle as retryable, after streaming what arrived', async () => {
    fake.script({ kind: 'cut', pieces: ['Half ', 'an '] });
    const error = await failure(make());
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`The ${label} API could not be reached or the connection broke.`);
    expect(error.pieces.join('')).toBe('Half an ');
  });

  it('treats malformed JSON in the stream as retryable, without the SDK writing the answer to the console', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      fake.script({ kind: 'malformed', pieces: ['Good ', 'start'] });
      const error = await failure(make());
      expect(error.retryable).toBe(true);
      expect(error.message).toBe(`The ${label} API sent a malformed answer (invalid JSON in the stream).`);
      expect(error.pieces.join('')).toBe('Good start');
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
  });

  it('classifies an error event inside the stream by its type', async () => {
    const overloaded = name === 'anthropic' ? 'overloaded_error' : 'server_error';
    fake.script({ kind: 'stream-error', pieces: ['Some '], type: overloaded, message: 'Overloaded' });
    const error = await failure(make());
    expect(error).toMatchObject({ retryable: true, status: name === 'anthropic' ? 529 : 500 });
    expect(error.message).toMatch(/^The (Anthropic|OpenAI) API is overloaded \((529|500)\); try again later\.$/);
    expect(error.pieces).toEqual(['Some ']);
    fake.script({ kind: 'stream-error', pieces: [], type: 'invalid_request_error', message: 'prompt is too long' });
    expect(await failure(make())).toMatchObject({ retryable: false, status: 400 });
  });

  it('lets an abort through as an abort (cancel, shutdown), not as a provider failure', async () => {
    fake.script({ kind: 'hang' }, { kind: 'stall', pieces: ['Some'] });
    for (let i = 0; i < 2; i++) {
      const controller = new AbortController();
      const running = run(make(), controller.signal);
      // Aborted once the server holds the request (a fixed delay raced the SDK's start).
      await expect.poll(() => fake.requests.length, { interval: 5 }).toBe(i + 1);
      controller.abort();
      const error = await running.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isAbort(error)).toBe(true);
      expect(error).not.toBeInstanceOf(ProviderError);
    }
  });
});

describe.each(Object.keys(providers) as Name[])('%s usage report', (name) => {
  it('counts every input token, cached ones included, and the final output count', async () => {
    // Anthropic's message_start says 1 output token; message_delta's final count replaces it.
    fake.script({ kind: 'answer', pieces: ['x'], promptTokens: 120, cachedTokens: 100, completionTokens: 99 });
    expect((await run(providers[name]())).result.usage).toEqual({ promptTokens: 120, completionTokens: 99 });
  });
});

describe('Retry-After parsing', () => {
  const headers = (values: Record<string, string>) => new Headers(values);
  it('prefers retry-after-ms, then seconds, then an HTTP date', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(headers({ 'retry-after': '2' }))).toBe(2000);
    const inFiveSeconds = new Date(Date.now() + 5000).toUTCString();
    const fromDate = retryAfterMs(headers({ 'retry-after': inFiveSeconds })) as number;
    expect(fromDate).toBeGreaterThan(3000);
    expect(fromDate).toBeLessThanOrEqual(5000);
    expect(retryAfterMs(headers({}))).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }))).toBeUndefined();
  });
});

describe('circuit breaker and fallback', () => {
  it('opens after repeated failures: calls fail fast without reaching the provider', async () => {
    const breaking = new ResilientProvider([providers.openai()], { consecutiveFailures: 2, openCircuitMs: 60_000 });
    fake.fallback = { kind: 'error', status: 500 };
    expect(await failure(breaking)).toMatchObject({ status: 500 });
    expect(await failure(breaking)).toMatchObject({ status: 500 });
    expect(fake.requests).toHaveLength(2);
    const started = performance.now();
    const fast = await failure(breaking);
    expect(performance.now() - started).toBeLessThan(100);
    expect(fake.requests).toHaveLength(2); // not called
    expect(fast.retryable).toBe(true);
    // Retry once the circuit lets a call through again.
    expect(fast.retryAfterMs).toBeGreaterThan(59_000);
    expect(fast.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(fast.message).toBe(
      'The openai provider kept failing, so calls to it are paused for a while; try again later.',
    );
  });

  it('lets a call through again after the open period, and closes on success', async () => {
    const breaking = new ResilientProvider([providers.openai()], { consecutiveFailures: 1, openCircuitMs: 150 });
    fake.script({ kind: 'error', status: 503 });
    await failure(breaking);
    await failure(breaking); // open: not sent
    expect(fake.requests).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await run(breaking)).result.text).toBe('Rest, fluids and time.');
    expect(fake.requests).toHaveLength(2);
  });

  it('does not count a rejected request (4xx) as the provider failing', async () => {
    const breaking = new ResilientProvider([providers.openai()], { consecutiveFailures: 2 });
    fake.script({ kind: 'error', status: 400 }, { kind: 'error', status: 400 }, { kind: 'error', status: 401 });
    for (let i = 0; i < 3; i++) expect(await failure(breaking)).toMatchObject({ retryable: false });
    expect((await run(breaking)).result.text).toBe('Rest, fluids and time.');
    expect(fake.requests).toHaveLength(4);
  });

  it('answers with the fallback while the primary fails, and records who answered', async () => {
    const chain = new ResilientProvider([providers.openai(), providers.anthropic()], { consecutiveFailures: 2 });
    fake.script({ kind: 'error', status: 503 }, { kind: 'answer', pieces: ['From ', 'Claude.'], model: 'claude-x' });
    const { result, pieces } = await run(chain);
    expect(result).toMatchObject({ text: 'From Claude.', provider: 'anthropic', model: 'claude-x' });
    expect(pieces).toEqual(['From ', 'Claude.']);
    expect(fake.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/messages']);
  });

  it('while the primary circuit is open, the fallback answers without the primary being called', async () => {
    const chain = new ResilientProvider([providers.openai(), providers.anthropic()], {
      consecutiveFailures: 2,
      openCircuitMs: 60_000,
    });
    fake.script(
      { kind: 'error', status: 500 },
      { kind: 'answer', pieces: ['one'] },
      { kind: 'error', status: 500 },
      { kind: 'answer', pieces: ['two'] },
      { kind: 'answer', pieces: ['three'] },
    );
    expect((await run(chain)).result.text).toBe('one');
    expect((await run(chain)).result.text).toBe('two');
    fake.requests.length = 0;
    expect((await run(chain)).result).toMatchObject({ text: 'three', provider: 'anthropic' });
    expect(fake.requests.map((r) => r.path)).toEqual(['/v1/messages']);
  });

  it('when the primary fails retryably and the fallback refuses (bad key), the call stays retryable', async () => {
    const chain = new ResilientProvider([providers.openai(), providers.anthropic()]);
    fake.script({ kind: 'error', status: 503 }, { kind: 'error', status: 401 });
    expect(await failure(chain)).toMatchObject({ retryable: true, status: 503 });
    fake.script({ kind: 'error', status: 401 }, { kind: 'error', status: 503 });
    expect(await failure(chain)).toMatchObject({ retryable: true, status: 503 });
    fake.script({ kind: 'error', status: 400 }, { kind: 'error', status: 401 });
    expect(await failure(chain)).toMatchObject({ retryable: false, status: 401 });
  });

  it('does not switch providers in the middle of a streamed answer', async () => {
    const chain = new ResilientProvider([providers.openai(), providers.anthropic()]);
    fake.script({ kind: 'cut', pieces: ['Half'] });
    const error = await failure(chain);
    expect(error.retryable).toBe(true);
    expect(fake.requests).toHaveLength(1); // the retry policy restarts the attempt instead
  });
});

describe('every provider selected through configuration', () => {
  const cases: Array<[string, Record<string, string>, string, string]> = [
    ['anthropic', { LLM_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: SECRET }, 'anthropic', DEFAULT_ANTHROPIC_MODEL],
    ['openai', { LLM_PROVIDER: 'openai', OPENAI_API_KEY: SECRET }, 'openai', 'gpt-4.1'],
    ['deepseek', { LLM_PROVIDER: 'deepseek', DEEPSEEK_API_KEY: SECRET }, 'deepseek', 'deepseek-chat'],
    [
      'a local OpenAI-compatible server, no key',
      { LLM_PROVIDER: 'openai', LLM_MODEL: 'llama3.2' },
      'openai',
      'llama3.2',
    ],
  ];
  it.each(cases)('%s', async (_label, env, expected, model) => {
    const config = loadConfig({
      ...env,
      ANTHROPIC_BASE_URL: fake.anthropicBaseUrl,
      OPENAI_BASE_URL: fake.openAiBaseUrl,
      DEEPSEEK_BASE_URL: fake.openAiBaseUrl,
    });
    const provider = createProvider(config.llm);
    expect(provider.name).toBe(expected);
    expect(provider.model).toBe(model);
    const { result } = await run(provider);
    expect(result).toMatchObject({ provider: expected, model, text: 'Rest, fluids and time.' });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]?.body.model).toBe(model);
    expect(fake.requests[0]?.path).toBe(expected === 'anthropic' ? '/v1/messages' : '/v1/chat/completions');
  });

  it('mock', async () => {
    const provider = createProvider(loadConfig({ LLM_PROVIDER: 'mock', MOCK_LATENCY_MS: '0' }).llm);
    expect(provider.name).toBe('mock');
    const { result, pieces } = await run(provider);
    expect(result.provider).toBe('mock');
    expect(pieces.length).toBeGreaterThan(5); // streamed in chunks
    expect(pieces.join('')).toBe(result.text);
    expect(fake.requests).toHaveLength(0);
  });

  it('mock: the same question gets the same answer; a follow-up stays on the conversation topic', async () => {
    expect(mockAnswer('What helps a tension headache?')).toBe(mockAnswer('What helps a tension headache?'));
    expect(mockAnswer('What helps a tension headache?')).toMatch(/tension-type headaches/);
    expect(mockAnswer('And for a child?')).toMatch(/cannot examine you/); // no topic: the general answer
    const followUp = mockAnswer('And for a child?', ['I have a fever since yesterday', 'Is it a migraine?']);
    expect(followUp).toBe(mockAnswer('Is it a migraine?'));
    const provider = new MockProvider({ latencyMs: 0, failureRate: 0 });
    const result = await provider.complete({
      system: 'You are careful.',
      messages: [
        { role: 'user', content: 'My child has a fever' },
        { role: 'assistant', content: 'A fever is…' },
        { role: 'user', content: 'How long will it last?' },
      ],
      signal: new AbortController().signal,
      onText: () => undefined,
    });
    expect(result.text).toBe(mockAnswer('My child has a fever'));
  });

  it('the default Anthropic model is a current Claude Sonnet', () => {
    expect(DEFAULT_ANTHROPIC_MODEL).toMatch(/^claude-sonnet-\d/);
  });

  it('DeepSeek defaults to its own API', () => {
    const config = loadConfig({ LLM_PROVIDER: 'deepseek', DEEPSEEK_API_KEY: SECRET });
    expect(config.llm.deepseek.baseUrl).toBe('https://api.deepseek.com');
  });

  it('refuses a provider without its key at start-up, with a clear message', () => {
    expect(() => loadConfig({ LLM_PROVIDER: 'anthropic' })).toThrow('LLM_PROVIDER=anthropic needs ANTHROPIC_API_KEY.');
    expect(() => loadConfig({ LLM_PROVIDER: 'openai' })).toThrow(/needs OPENAI_API_KEY/);
    expect(() => loadConfig({ LLM_PROVIDER: 'deepseek' })).toThrow('LLM_PROVIDER=deepseek needs DEEPSEEK_API_KEY.');
    expect(() => loadConfig({ LLM_PROVIDER: 'mock', LLM_FALLBACK: 'deepseek' })).toThrow(
      /LLM_FALLBACK includes deepseek/,
    );
    expect(() => loadConfig({ LLM_PROVIDER: 'openai', OPENAI_BASE_URL: 'http://ollama:11434/v1' })).not.toThrow();
  });
});
