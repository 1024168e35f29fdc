/**
 * Each provider answering through the whole service — REST, Socket.IO, statistics, the message
 * row — against the local wire-protocol server; retries and the fallback end to end.
 */
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDeltaEvent, MessageStatusEvent } from '../../shared/socket-events.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { type FakeLlmServer, startFakeLlmServer } from '../helpers/fake-llm-server.js';
import { ask, eventually, getJson, waitForFinal } from '../helpers/http.js';
import { startTestService } from '../helpers/service.js';

let fake: FakeLlmServer;
let db: TestDatabase;
beforeAll(async () => {
  fake = await startFakeLlmServer();
  db = await createTestDatabase();
});
afterAll(async () => {
  await fake?.close();
  await db?.drop();
});

const envFor = (provider: string): Record<string, string> => ({
  LLM_PROVIDER: provider,
  ANTHROPIC_API_KEY: 'sk-ant-test-0000000000',
  ANTHROPIC_BASE_URL: fake.anthropicBaseUrl,
  OPENAI_API_KEY: 'sk-openai-test-000000',
  OPENAI_BASE_URL: fake.openAiBaseUrl,
  DEEPSEEK_API_KEY: 'sk-deepseek-test-0000',
  DEEPSEEK_BASE_URL: fake.openAiBaseUrl,
  LLM_TIMEOUT_MS: '2000',
});

describe.each(['anthropic', 'openai', 'deepseek'])('%s through the service', (provider) => {
  it('answers over REST and the socket, and feeds the row and the statistics', async () => {
    const service = await startTestService({ databaseUrl: db.url, env: envFor(provider) });
    try {
      const before = (await getJson(service.url, '/api/statistics')).body;
      fake.script({ kind: 'answer', pieces: ['Drink ', 'water ', 'and rest.'], promptTokens: 30, completionTokens: 6 });
      const id = await ask(service.url, 'What helps with a hangover?');
      expect(await waitForFinal(service.url, id)).toEqual({ status: 'completed', response: 'Drink water and rest.' });
      const row = (
        await db.query('SELECT provider, model, prompt_tokens, completion_tokens FROM messages WHERE id = $1', [id])
      ).rows[0];
      expect(row).toMatchObject({ provider, prompt_tokens: 30, completion_tokens: 6 });
      expect(row?.model).toBeTruthy();
      const after = (await getJson(service.url, '/api/statistics')).body;
      expect((after.totalTokensUsed as number) - (before.totalTokensUsed as number)).toBe(36);

      const socket = io(service.url, { transports: ['websocket'] });
      const deltas: MessageDeltaEvent[] = [];
      const statuses: MessageStatusEvent[] = [];
      socket.on('message:delta', (d: MessageDeltaEvent) => deltas.push(d));
      socket.on('message:status', (s: MessageStatusEvent) => statuses.push(s));
      fake.script({ kind: 'answer', pieces: ['Sleep ', 'helps.'], delayMs: 40 });
      const asked = await socket.emitWithAck('ask', { question: 'And for jet lag?' });
      await eventually(() => statuses.some((s) => s.status === 'completed'), 10_000, 'completed event');
      expect(statuses.map((s) => s.status)).toEqual(['pending', 'processing', 'completed']);
      expect(deltas.every((d) => d.messageId === asked.messageId)).toBe(true);
      expect(deltas.map((d) => d.text).join('')).toBe('Sleep helps.');
      socket.close();
    } finally {
      await service.close();
    }
  });
});

describe('faults end to end', () => {
  it('a 500 then success: one retry, counted on the row and in the statistics', async () => {
    const service = await startTestService({ databaseUrl: db.url, env: { ...envFor('openai'), RETRY_DELAY: '0.01' } });
    try {
      fake.script({ kind: 'error', status: 500 }, { kind: 'answer', pieces: ['Fine now.'] });
      const id = await ask(service.url, 'Retry me');
      expect(await waitForFinal(service.url, id)).toEqual({ status: 'completed', response: 'Fine now.' });
      expect((await db.query('SELECT retries, attempts FROM messages WHERE id = $1', [id])).rows[0]).toEqual({
        retries: 1,
        attempts: 2,
      });
    } finally {
      await service.close();
    }
  });

  it('a 401 fails at once with a clear error, no retry', async () => {
    const service = await startTestService({ databaseUrl: db.url, env: envFor('anthropic') });
    try {
      fake.script({ kind: 'error', status: 401, message: 'invalid x-api-key' });
      const id = await ask(service.url, 'Bad key');
      const final = await waitForFinal(service.url, id);
      expect(final).toEqual({
        status: 'failed',
        error: 'The Anthropic API key was rejected (401): check ANTHROPIC_API_KEY.',
      });
      expect((await db.query('SELECT retries FROM messages WHERE id = $1', [id])).rows[0]).toEqual({ retries: 0 });
    } finally {
      await service.close();
    }
  });

  it('a stream cut mid-answer is retried from the start; the socket sees the restart', async () => {
    const service = await startTestService({ databaseUrl: db.url, env: { ...envFor('openai'), RETRY_DELAY: '0.01' } });
    const socket = io(service.url, { transports: ['websocket'] });
    try {
      const deltas: MessageDeltaEvent[] = [];
      socket.on('message:delta', (d: MessageDeltaEvent) => deltas.push(d));
      fake.script({ kind: 'cut', pieces: ['Half an an'] }, { kind: 'answer', pieces: ['Whole ', 'answer.'] });
      const asked = await socket.emitWithAck('ask', { question: 'Cut me' });
      expect(await waitForFinal(service.url, asked.messageId)).toEqual({
        status: 'completed',
        response: 'Whole answer.',
      });
      await eventually(() => deltas.some((d) => d.attempt === 2), 5000, 'second attempt deltas');
      const second = deltas.filter((d) => d.attempt === 2);
      expect(second[0]).toMatchObject({ seq: 0, restart: true });
      expect(second.map((d) => d.text).join('')).toBe('Whole answer.');
    } finally {
      socket.close();
      await service.close();
    }
  });

  it('with LLM_FALLBACK the next provider answers while the primary is down, and the row says so', async () => {
    const service = await startTestService({
      databaseUrl: db.url,
      env: { ...envFor('openai'), LLM_FALLBACK: 'anthropic', MAX_RETRIES: '0' },
    });
    try {
      fake.script({ kind: 'error', status: 503 }, { kind: 'answer', pieces: ['Claude here.'] });
      const id = await ask(service.url, 'Who answers?');
      expect(await waitForFinal(service.url, id)).toEqual({ status: 'completed', response: 'Claude here.' });
      expect((await db.query('SELECT provider FROM messages WHERE id = $1', [id])).rows[0]).toEqual({
        provider: 'anthropic',
      });
    } finally {
      await service.close();
    }
  });
});
