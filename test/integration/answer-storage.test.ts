/**
 * Issue 16: failure reasons that tell the truth. The model's text is stored, or the failure says
 * what failed: a NUL (which PostgreSQL text cannot hold) is removed before the answer is
 * published or written, and a statement that cannot store an answer fails the message as a
 * storage error, not a provider error. Either way the model is called once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MEDICAL_SYSTEM_PROMPT } from '../../server/prompts/medical-system-prompt.js';
import { STORE_FAILED } from '../../server/queue/answer-message.js';
import type { Service } from '../../server/service.js';
import type { MessageStatusEvent } from '../../shared/socket-events.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { type FakeLlmServer, startFakeLlmServer } from '../helpers/fake-llm-server.js';
import { ask, eventually, getJson, waitForFinal } from '../helpers/http.js';
import { startTestService } from '../helpers/service.js';
import { connect } from '../helpers/socket.js';

let fake: FakeLlmServer;
let db: TestDatabase;
let service: Service;
beforeAll(async () => {
  fake = await startFakeLlmServer();
  db = await createTestDatabase();
  service = await startTestService({
    databaseUrl: db.url,
    env: {
      LLM_PROVIDER: 'openai',
      OPENAI_API_KEY: 'sk-openai-test-000000',
      OPENAI_BASE_URL: fake.openAiBaseUrl,
      MAX_RETRIES: '3',
    },
  });
});
afterAll(async () => {
  await service?.close();
  await fake?.close();
  await db?.drop();
});
afterEach(() => fake.reset());

/** The requests that asked the model for an answer (not any other call the service makes). */
const answerCalls = (question: string) =>
  fake.requests.filter((request) => {
    const messages = request.body.messages as Array<{ role: string; content: string }>;
    return messages[0]?.content === MEDICAL_SYSTEM_PROMPT && messages.at(-1)?.content === question;
  });

/** The message ended as `outcome` on its first attempt: one model call, no retry counted. */
async function expectOneAttempt(
  id: string,
  question: string,
  outcome: { status: string; response: string | null; error: string | null },
): Promise<void> {
  const { rows } = await db.query('SELECT status, response, error, attempts, retries FROM messages WHERE id = $1', [
    id,
  ]);
  expect(rows[0]).toEqual({ ...outcome, attempts: 1, retries: 0 });
  expect(answerCalls(question)).toHaveLength(1);
  expect((await getJson(service.url, '/api/statistics')).body).toMatchObject({ totalRetries: 0 });
}

describe('storing the model’s answer', () => {
  it('removes NUL characters from the streamed and the stored text: completed, one model call', async () => {
    fake.fallback = { kind: 'answer', pieces: ['Rest\u0000 and ', '\u0000', 'fluids.\u0000'] };
    const client = await connect(service.url);
    try {
      const question = 'What helps a cold? (the answer carries NUL characters)';
      const asked = await client.socket.emitWithAck('ask', { question });
      const completed = () => client.of(asked.messageId).statuses.find((s) => s.status === 'completed');
      await eventually(completed, 10_000, 'the completed event');
      // Deltas are published before the status event, and one socket's events keep their order.
      const { deltas } = client.of(asked.messageId);
      expect(deltas.map((d) => d.text).join('')).toBe('Rest and fluids.');
      expect(deltas.every((d) => d.text.length > 0 && !d.text.includes('\u0000'))).toBe(true);
      expect((completed() as MessageStatusEvent).response).toBe('Rest and fluids.');
      await expectOneAttempt(asked.messageId, question, {
        status: 'completed',
        response: 'Rest and fluids.',
        error: null,
      });
    } finally {
      client.socket.close();
    }
  });

  it('fails a message whose answer the database refuses as a storage error, without asking the model again', async () => {
    const unstorable = 'An answer this database refuses.';
    await db.query(
      `ALTER TABLE messages ADD CONSTRAINT test_refuses_answer CHECK (response IS DISTINCT FROM '${unstorable}')`,
    );
    try {
      fake.fallback = { kind: 'answer', pieces: [unstorable] };
      const question = 'A question whose answer cannot be stored';
      const id = await ask(service.url, question);
      expect(await waitForFinal(service.url, id)).toEqual({ status: 'failed', error: STORE_FAILED });
      await expectOneAttempt(id, question, { status: 'failed', response: null, error: STORE_FAILED });
    } finally {
      await db.query('ALTER TABLE messages DROP CONSTRAINT test_refuses_answer');
    }
  });
});
