/**
 * Each provider answering through the whole service — REST, Socket.IO, the /monitor statistics
 * push, the message row — against the local wire-protocol server; then the faults end to end:
 * retries, Retry-After, 400/401, timeouts, broken streams, the circuit breaker and the fallback.
 */
import { describe, expect, it } from 'vitest';
import { MEDICAL_SYSTEM_PROMPT } from '../../server/prompts/medical-system-prompt.js';
import { DEFAULT_ANTHROPIC_MODEL } from '../../server/providers/anthropic.js';
import { mockAnswer } from '../../server/providers/mock.js';
import { CONSECUTIVE_FAILURES } from '../../server/providers/resilient.js';
import type { Service } from '../../server/service.js';
import type { Statistics } from '../../shared/rest.js';
import type { MessageDeltaEvent } from '../../shared/socket-events.js';
import { useTestDatabaseForFile } from '../helpers/database.js';
import { type RecordedRequest, useFakeLlmServerForFile } from '../helpers/fake-llm-server.js';
import { ask, eventually, getJson, waitForFinal } from '../helpers/http.js';
import { startTestService } from '../helpers/service.js';
import { connect } from '../helpers/socket.js';

const fake = useFakeLlmServerForFile();
const db = useTestDatabaseForFile();

const KEYS = {
  ANTHROPIC_API_KEY: 'sk-ant-test-0000000000',
  OPENAI_API_KEY: 'sk-openai-test-000000',
  DEEPSEEK_API_KEY: 'sk-deepseek-test-0000',
};

/** Every provider's endpoint points at the fake; each case adds its provider and key. */
const endpoints = (): Record<string, string> => ({
  ANTHROPIC_BASE_URL: fake.anthropicBaseUrl,
  OPENAI_BASE_URL: fake.openAiBaseUrl,
  DEEPSEEK_BASE_URL: fake.openAiBaseUrl,
  LLM_TIMEOUT_MS: '2000',
});

async function withService(env: Record<string, string>, use: (service: Service) => Promise<void>) {
  const service = await startTestService({ databaseUrl: db.url, env: { ...endpoints(), ...env } });
  try {
    await use(service);
  } finally {
    await service.close();
  }
}

async function messageRow(id: string) {
  const { rows } = await db.query(
    'SELECT provider, model, prompt_tokens, completion_tokens, retries, attempts FROM messages WHERE id = $1',
    [id],
  );
  return rows[0] as {
    provider: string;
    model: string;
    prompt_tokens: number;
    completion_tokens: number;
    retries: number;
    attempts: number;
  };
}

async function statistics(url: string): Promise<Statistics> {
  return (await getJson(url, '/api/statistics')).body as unknown as Statistics;
}

/** The system prompt as each wire protocol carries it. */
function systemPromptOf(request: RecordedRequest | undefined): unknown {
  if (request?.path.endsWith('/messages')) return request.body.system;
  return (request?.body.messages as Array<{ role: string; content: string }> | undefined)?.[0];
}

interface ProviderCase {
  label: string;
  env: Record<string, string>;
  provider: string;
  model: string;
  /** Served by the fake wire-protocol server (the mock answers by itself). */
  wire: 'anthropic' | 'openai' | undefined;
}

const cases: ProviderCase[] = [
  {
    label: 'anthropic',
    env: { LLM_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: KEYS.ANTHROPIC_API_KEY },
    provider: 'anthropic',
    model: DEFAULT_ANTHROPIC_MODEL,
    wire: 'anthropic',
  },
  {
    label: 'openai',
    env: { LLM_PROVIDER: 'openai', OPENAI_API_KEY: KEYS.OPENAI_API_KEY },
    provider: 'openai',
    model: 'gpt-4.1',
    wire: 'openai',
  },
  {
    label: 'deepseek',
    env: { LLM_PROVIDER: 'deepseek', DEEPSEEK_API_KEY: KEYS.DEEPSEEK_API_KEY },
    provider: 'deepseek',
    model: 'deepseek-chat',
    wire: 'openai',
  },
  {
    label: 'a local OpenAI-compatible server (no key)',
    env: { LLM_PROVIDER: 'openai', LLM_MODEL: 'llama3.2' },
    provider: 'openai',
    model: 'llama3.2',
    wire: 'openai',
  },
  { label: 'mock', env: { LLM_PROVIDER: 'mock' }, provider: 'mock', model: 'mock-medical-1', wire: undefined },
];

describe.each(cases)('$label through the service', ({ env, provider, model, wire }) => {
  it('answers over REST and the socket, and feeds the row and the statistics (REST and /monitor)', async () => {
    await withService(env, async (service) => {
      const monitor = await connect(`${service.url}/monitor`);
      const pushed: Statistics[] = [];
      monitor.socket.on('stats', (s: Statistics) => pushed.push(s));
      const user = await connect(service.url);
      try {
        const before = await statistics(service.url);
        const question = 'What helps with a hangover?';
        const expected = wire ? 'Drink water and rest.' : mockAnswer(question);
        if (wire) {
          fake.script({
            kind: 'answer',
            pieces: ['Drink ', 'water ', 'and rest.'],
            promptTokens: 30,
            completionTokens: 6,
          });
        }
        const id = await ask(service.url, question);
        expect(await waitForFinal(service.url, id)).toEqual({ status: 'completed', response: expected });
        const row = await messageRow(id);
        expect(row).toMatchObject({ provider, model, retries: 0 });
        if (wire) expect(row).toMatchObject({ prompt_tokens: 30, completion_tokens: 6 });
        expect(row.prompt_tokens).toBeGreaterThan(0);
        expect(row.completion_tokens).toBeGreaterThan(0);
        const tokens = row.prompt_tokens + row.completion_tokens;
        const after = await statistics(service.url);
        expect(after.totalTokensUsed - before.totalTokensUsed).toBe(tokens);
        expect(after.messagesSucceeded - before.messagesSucceeded).toBe(1);
        await eventually(
          () => pushed.some((s) => s.totalTokensUsed === after.totalTokensUsed),
          5000,
          'a /monitor stats push with the new tokens',
        );

        // What the provider was sent: the configured model and the medical system prompt.
        expect(fake.requests).toHaveLength(wire ? 1 : 0);
        if (wire) {
          const [request] = fake.requests;
          expect(request?.path).toBe(wire === 'anthropic' ? '/v1/messages' : '/v1/chat/completions');
          expect(request?.body.model).toBe(model);
          expect(systemPromptOf(request)).toEqual(
            wire === 'anthropic' ? MEDICAL_SYSTEM_PROMPT : { role: 'system', content: MEDICAL_SYSTEM_PROMPT },
          );
        }

        const second = 'And for jet lag?';
        if (wire) fake.script({ kind: 'answer', pieces: ['Sleep ', 'helps.'], delayMs: 40 });
        const asked = (await user.socket.emitWithAck('ask', { question: second })) as { messageId: string };
        await eventually(
          () => user.of(asked.messageId).statuses.some((s) => s.status === 'completed'),
          10_000,
          'completed event',
        );
        const events = user.of(asked.messageId);
        expect(events.statuses.map((s) => s.status)).toEqual(['pending', 'processing', 'completed']);
        expect(events.deltas.map((d) => d.text).join('')).toBe(wire ? 'Sleep helps.' : mockAnswer(second));
        expect(events.deltas.map((d) => d.seq)).toEqual(events.deltas.map((_, i) => i));
        expect(events.deltas.every((d) => (d.attempt ?? 1) === 1 && !d.restart)).toBe(true);
      } finally {
        user.socket.close();
        monitor.socket.close();
      }
    });
  });
});

const openai = { LLM_PROVIDER: 'openai', OPENAI_API_KEY: KEYS.OPENAI_API_KEY, RETRY_DELAY: '0.01' };

describe('faults end to end', () => {
  it('a 500 then success: one retry, counted on the row and in the statistics', async () => {
    await withService(openai, async (service) => {
      const before = await statistics(service.url);
      fake.script({ kind: 'error', status: 500 }, { kind: 'answer', pieces: ['Fine now.'] });
      const id = await ask(service.url, 'Retry me');
      expect(await waitForFinal(service.url, id)).toEqual({ status: 'completed', response: 'Fine now.' });
      expect(await messageRow(id)).toMatchObject({ retries: 1, attempts: 2 });
      expect((await statistics(service.url)).totalRetries - before.totalRetries).toBe(1);
      expect(fake.requests).toHaveLength(2);
    });
  });

  it('a 429 with Retry-After waits as long as the provider asks, not our shorter backoff', async () => {
    await withService(openai, async (service) => {
      fake.script({ kind: 'error', status: 429, headers: { 'retry-after': '1' } }, { kind: 'answer', pieces: ['Ok.'] });
      const id = await ask(service.url, 'Rate limited');
      expect(await waitForFinal(service.url, id)).toEqual({ status: 'completed', response: 'Ok.' });
      const [first, second] = fake.requests;
      expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(980);
      expect(await messageRow(id)).toMatchObject({ retries: 1 });
    });
  });

  it('a 400 and a 401 fail at once with a clear error, no retry', async () => {
    await withService(
      { LLM_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: KEYS.ANTHROPIC_API_KEY, RETRY_DELAY: '0.01' },
      async (service) => {
        fake.script({ kind: 'error', status: 401, message: 'invalid x-api-key' });
        const id = await ask(service.url, 'Bad key');
        expect(await waitForFinal(service.url, id)).toEqual({
          status: 'failed',
          error: 'The Anthropic API key was rejected (401): check ANTHROPIC_API_KEY.',
        });
        expect(await messageRow(id)).toMatchObject({ retries: 0 });

        fake.script({ kind: 'error', status: 400, message: 'messages: text content blocks must be non-empty' });
        const bad = await ask(service.url, 'Bad request');
        expect(await waitForFinal(service.url, bad)).toEqual({
          status: 'failed',
          error:
            'The Anthropic API rejected the request as invalid (400). It said: "messages: text content blocks must be non-empty"',
        });
        expect(await messageRow(bad)).toMatchObject({ retries: 0 });
        expect(fake.requests).toHaveLength(2);
      },
    );
  });

  it('a server that never answers is given up on after LLM_TIMEOUT_MS and retried', async () => {
    await withService({ ...openai, LLM_TIMEOUT_MS: '400' }, async (service) => {
      fake.script({ kind: 'hang' }, { kind: 'answer', pieces: ['Late ', 'but here.'] });
      const askedAt = performance.now();
      const id = await ask(service.url, 'Hang first');
      expect(await waitForFinal(service.url, id)).toEqual({ status: 'completed', response: 'Late but here.' });
      expect(await messageRow(id)).toMatchObject({ retries: 1 });
      // Timed from the ask, not from the first request's arrival: under load that arrival (the
      // fake's clock) may lag the service's start of the call, and the timeout runs from the start.
      const [, second] = fake.requests;
      expect(fake.requests).toHaveLength(2);
      expect((second?.at ?? 0) - askedAt).toBeGreaterThanOrEqual(380);
    });
  });

  it('with no retries left, a timeout fails the message with an error that names LLM_TIMEOUT_MS', async () => {
    await withService({ ...openai, LLM_TIMEOUT_MS: '300', MAX_RETRIES: '0' }, async (service) => {
      fake.script({ kind: 'hang' });
      const id = await ask(service.url, 'Hang always');
      expect(await waitForFinal(service.url, id)).toEqual({
        status: 'failed',
        error: 'The model sent nothing for 300 ms (LLM_TIMEOUT_MS) and was stopped.',
      });
    });
  });

  it('a stream that stalls mid-answer is aborted and retried from the start; the socket sees the restart', async () => {
    await withService({ ...openai, LLM_TIMEOUT_MS: '400' }, async (service) => {
      const user = await connect(service.url);
      try {
        fake.script({ kind: 'stall', pieces: ['Half ', 'an '] }, { kind: 'answer', pieces: ['Whole ', 'answer.'] });
        const asked = (await user.socket.emitWithAck('ask', { question: 'Stall me' })) as { messageId: string };
        expect(await waitForFinal(service.url, asked.messageId)).toEqual({
          status: 'completed',
          response: 'Whole answer.',
        });
        await eventually(() => user.of(asked.messageId).deltas.some((d) => d.attempt === 2), 5000, 'attempt 2');
        expectRestart(user.of(asked.messageId).deltas, 'Half an ', 'Whole answer.');
      } finally {
        user.socket.close();
      }
    });
  });

  it('a slow but steady stream is not cut off: the timeout is for silence, not for the whole answer', async () => {
    await withService({ ...openai, LLM_TIMEOUT_MS: '500' }, async (service) => {
      const pieces = ['One ', 'word ', 'at ', 'a ', 'time, ', 'slowly ', 'enough.'];
      fake.script({ kind: 'answer', pieces, delayMs: 150 });
      const started = performance.now();
      const id = await ask(service.url, 'Slow stream');
      expect(await waitForFinal(service.url, id)).toEqual({ status: 'completed', response: pieces.join('') });
      expect(performance.now() - started).toBeGreaterThan(1000);
      expect(await messageRow(id)).toMatchObject({ retries: 0 });
    });
  });

  it('a stream cut mid-answer is retried from the start; the socket sees the restart', async () => {
    await withService(openai, async (service) => {
      const user = await connect(service.url);
      try {
        fake.script({ kind: 'cut', pieces: ['Half an an'] }, { kind: 'answer', pieces: ['Whole ', 'answer.'] });
        const asked = (await user.socket.emitWithAck('ask', { question: 'Cut me' })) as { messageId: string };
        expect(await waitForFinal(service.url, asked.messageId)).toEqual({
          status: 'completed',
          response: 'Whole answer.',
        });
        await eventually(() => user.of(asked.messageId).deltas.some((d) => d.attempt === 2), 5000, 'attempt 2');
        expectRestart(user.of(asked.messageId).deltas, 'Half an an', 'Whole answer.');
      } finally {
        user.socket.close();
      }
    });
  });

  it('malformed JSON in the stream is retried from the start', async () => {
    await withService(
      { LLM_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: KEYS.ANTHROPIC_API_KEY, RETRY_DELAY: '0.01' },
      async (service) => {
        fake.script({ kind: 'malformed', pieces: ['Garb'] }, { kind: 'answer', pieces: ['Clean ', 'answer.'] });
        const id = await ask(service.url, 'Malformed');
        expect(await waitForFinal(service.url, id)).toEqual({ status: 'completed', response: 'Clean answer.' });
        expect(await messageRow(id)).toMatchObject({ retries: 1, provider: 'anthropic' });
      },
    );
  });

  it('with LLM_FALLBACK the next provider answers while the primary is down, and the row says so', async () => {
    await withService(
      { ...openai, ANTHROPIC_API_KEY: KEYS.ANTHROPIC_API_KEY, LLM_FALLBACK: 'anthropic', MAX_RETRIES: '0' },
      async (service) => {
        fake.script({ kind: 'error', status: 503 }, { kind: 'answer', pieces: ['Claude here.'] });
        const id = await ask(service.url, 'Who answers?');
        expect(await waitForFinal(service.url, id)).toEqual({ status: 'completed', response: 'Claude here.' });
        expect(await messageRow(id)).toMatchObject({ provider: 'anthropic', model: DEFAULT_ANTHROPIC_MODEL });
        expect(fake.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/messages']);
      },
    );
  });

  it('when the fallback fails last, the failed row names the fallback, not the primary', async () => {
    await withService(
      { ...openai, ANTHROPIC_API_KEY: KEYS.ANTHROPIC_API_KEY, LLM_FALLBACK: 'anthropic', MAX_RETRIES: '0' },
      async (service) => {
        // The primary refuses for good (400); the fallback is overloaded (503): the retryable
        // failure is the one reported, and it is the fallback's.
        fake.script({ kind: 'error', status: 400 }, { kind: 'error', status: 503 });
        const id = await ask(service.url, 'Nobody answers');
        expect(await waitForFinal(service.url, id)).toMatchObject({ status: 'failed' });
        expect(await messageRow(id)).toMatchObject({ provider: 'anthropic', model: DEFAULT_ANTHROPIC_MODEL });
      },
    );
  });

  it('after repeated failures the primary circuit opens: the fallback answers without the primary being tried', async () => {
    await withService(
      { ...openai, ANTHROPIC_API_KEY: KEYS.ANTHROPIC_API_KEY, LLM_FALLBACK: 'anthropic', MAX_RETRIES: '0' },
      async (service) => {
        for (let i = 0; i < CONSECUTIVE_FAILURES; i++) {
          fake.script({ kind: 'error', status: 503 }, { kind: 'answer', pieces: [`Fallback ${i}.`] });
          const id = await ask(service.url, `Failing primary ${i}`);
          expect(await waitForFinal(service.url, id)).toEqual({ status: 'completed', response: `Fallback ${i}.` });
        }
        fake.requests.length = 0;
        fake.script({ kind: 'answer', pieces: ['Straight to Claude.'] });
        const id = await ask(service.url, 'Circuit open');
        expect(await waitForFinal(service.url, id)).toEqual({ status: 'completed', response: 'Straight to Claude.' });
        expect(fake.requests.map((r) => r.path)).toEqual(['/v1/messages']);
        expect(await messageRow(id)).toMatchObject({ provider: 'anthropic', retries: 0 });
      },
    );
  });
});

/** Attempt 1 streamed `partial`; attempt 2 starts again at seq 0, flagged, and streams `whole`. */
function expectRestart(deltas: MessageDeltaEvent[], partial: string, whole: string) {
  const first = deltas.filter((d) => (d.attempt ?? 1) === 1);
  const second = deltas.filter((d) => d.attempt === 2);
  expect(first.map((d) => d.text).join('')).toBe(partial);
  expect(second[0]).toMatchObject({ seq: 0, restart: true });
  expect(second.map((d) => d.seq)).toEqual(second.map((_, i) => i));
  expect(second.map((d) => d.text).join('')).toBe(whole);
}
