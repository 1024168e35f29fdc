/** The REST contract of the original service, every bad input, and the message state machine. */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimMessage, completeMessage, insertMessage } from '../../server/db/messages.js';
import type { CompletionRequest, CompletionResult, LlmProvider } from '../../server/providers/types.js';
import { ProviderError } from '../../server/providers/types.js';
import type { Service } from '../../server/service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { ask, eventually, getJson, postJson, request, waitForFinal } from '../helpers/http.js';
import { startTestService } from '../helpers/service.js';

let db: TestDatabase;
let service: Service;
beforeAll(async () => {
  db = await createTestDatabase();
  service = await startTestService({ databaseUrl: db.url, env: { MAX_QUESTION_CHARS: '50' } });
});
afterAll(async () => {
  await service?.close();
  await db?.drop();
});

const messageCount = async () => Number((await db.query('SELECT count(*) AS n FROM messages')).rows[0]?.n);

const raw = (path: string, init: RequestInit) => request(service.url, path, init);

describe('POST /api/chat', () => {
  it('accepts a question: 202 with a UUID messageId, trimmed', async () => {
    const { status, body } = await postJson(service.url, '/api/chat', { question: '   What is a normal pulse?  ' });
    expect(status).toBe(202);
    expect(body.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const row = await db.query('SELECT question FROM messages WHERE id = $1', [body.messageId]);
    expect(row.rows[0]).toEqual({ question: 'What is a normal pulse?' });
  });

  it('counts characters, not bytes: 50 emoji fit MAX_QUESTION_CHARS=50, 51 do not', async () => {
    expect((await postJson(service.url, '/api/chat', { question: '🩺'.repeat(50) })).status).toBe(202);
    expect((await postJson(service.url, '/api/chat', { question: '🩺'.repeat(51) })).status).toBe(400);
  });

  it.each([
    ['missing question', {}, /question is required/],
    ['empty question', { question: '' }, /must not be empty/],
    ['only whitespace', { question: ' \n\t ' }, /must not be empty/],
    ['a number', { question: 42 }, /must be a string/],
    ['null', { question: null }, /must be a string/],
    ['an array', { question: ['a'] }, /must be a string/],
    ['an object', { question: { text: 'a' } }, /must be a string/],
    ['too long', { question: 'x'.repeat(51) }, /at most 50 characters/],
    ['a JSON array body', [], /JSON object/],
  ])('400 for %s, writing nothing', async (_label, body, message) => {
    const before = await messageCount();
    const response = await postJson(service.url, '/api/chat', body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: expect.stringMatching(message) });
    expect(await messageCount()).toBe(before);
  });

  it('400 for malformed JSON, 413 over 64 KiB, 415 for other content types; nothing written', async () => {
    const before = await messageCount();
    const json = { 'content-type': 'application/json' };
    expect(await raw('/api/chat', { method: 'POST', headers: json, body: '{"question": "x"' })).toMatchObject({
      status: 400,
      body: { error: 'The request body is not valid JSON.' },
    });
    const huge = JSON.stringify({ question: 'x', padding: 'y'.repeat(70 * 1024) });
    expect(await raw('/api/chat', { method: 'POST', headers: json, body: huge })).toMatchObject({
      status: 413,
      body: { error: expect.stringMatching(/too large/) },
    });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      expect(
        await raw('/api/chat', { method: 'POST', headers: { 'content-type': type }, body: 'question=x' }),
      ).toMatchObject({
        status: 415,
        body: { error: expect.stringMatching(/JSON/) },
      });
    }
    expect((await raw('/api/chat', { method: 'POST', body: '{"question":"x"}' })).status).toBe(415);
    expect(await messageCount()).toBe(before);
  });

  it('503 with Retry-After when the queue is full, writing nothing', async () => {
    const full = await startTestService({
      databaseUrl: db.url,
      env: { QUEUE_MAXSIZE: '1', MAX_WORKERS: '1', MOCK_LATENCY_MS: '2000' },
    });
    try {
      await ask(full.url, 'occupies the worker');
      await eventually(() => full.dispatcher.activeWorkers === 1, 5000, 'worker busy');
      await ask(full.url, 'waits in the queue');
      const before = await messageCount();
      const refused = await postJson(full.url, '/api/chat', { question: 'one too many' });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(refused.body).toEqual({ error: expect.stringMatching(/queue is full/) });
      expect(await messageCount()).toBe(before);
    } finally {
      await full.close();
    }
  });
});

describe('GET /api/chat/:messageId', () => {
  it('returns exactly the original shapes', async () => {
    // An answer that takes long enough that the first read cannot find it finished, however
    // busy the machine is.
    const slow = await startTestService({ databaseUrl: db.url, env: { MOCK_LATENCY_MS: '1500' } });
    try {
      const id = await ask(slow.url, 'Shape check');
      const first = (await getJson(slow.url, `/api/chat/${id}`)).body;
      expect(['pending', 'processing']).toContain(first.status);
      expect(Object.keys(first)).toEqual(['status']);
      expect(await waitForFinal(slow.url, id)).toEqual({ status: 'completed', response: expect.any(String) });
    } finally {
      await slow.close();
    }
  });

  it('400 for a malformed id, 404 for an unknown one, JSON errors', async () => {
    expect(await getJson(service.url, '/api/chat/not-a-uuid')).toMatchObject({
      status: 400,
      body: { error: 'messageId must be a UUID' },
    });
    expect(await getJson(service.url, '/api/chat/00000000-0000-4000-8000-000000000000')).toMatchObject({
      status: 404,
      body: { error: 'No message with that id.' },
    });
    expect(await getJson(service.url, '/api/nothing-here')).toMatchObject({
      status: 404,
      body: { error: expect.any(String) },
    });
  });

  it('shows failed messages as {status, error} only', async () => {
    const failing = await startTestService({
      databaseUrl: db.url,
      provider: new (class implements LlmProvider {
        readonly name = 'refuses';
        readonly model = 'refuses-1';
        async complete(_request: CompletionRequest): Promise<CompletionResult> {
          throw new ProviderError('The model refused (400).', { retryable: false, status: 400 });
        }
      })(),
    });
    try {
      const id = await ask(failing.url, 'Refuse me');
      expect(await waitForFinal(failing.url, id)).toEqual({ status: 'failed', error: 'The model refused (400).' });
      const row = (await db.query('SELECT retries, attempts FROM messages WHERE id = $1', [id])).rows[0];
      expect(row).toEqual({ retries: 0, attempts: 1 }); // not retryable: no retry
    } finally {
      await failing.close();
    }
  });
});

describe('GET /api/statistics and /health', () => {
  it('reports numbers that match the work done', async () => {
    const fresh = await createTestDatabase();
    const counted = await startTestService({ databaseUrl: fresh.url, env: { MAX_WORKERS: '3' } });
    try {
      const ids = await Promise.all([1, 2, 3, 4].map((i) => ask(counted.url, `stats ${i}`)));
      for (const id of ids) await waitForFinal(counted.url, id);
      const stats = (await getJson(counted.url, '/api/statistics')).body;
      const tokens = (await fresh.query('SELECT sum(prompt_tokens + completion_tokens)::int AS n FROM messages'))
        .rows[0]?.n;
      expect(stats).toMatchObject({
        messagesProcessed: 4,
        messagesSucceeded: 4,
        messagesFailed: 0,
        messagesCancelled: 0,
        totalRetries: 0,
        totalTokensUsed: tokens,
        averageTokensPerMessage: tokens / 4,
        activeWorkers: 0,
        queueLength: 0,
        maxWorkers: 3,
        idleWorkers: 3,
        successRate: 1,
      });
      expect(stats.averageProcessingTimeMs).toBeGreaterThan(15); // the mock answers in 20 ms here
      for (const value of Object.values(stats)) expect(typeof value).toBe('number');
      // After a restart: the same numbers (they come from the database).
      await counted.close();
      const again = await startTestService({ databaseUrl: fresh.url, env: { MAX_WORKERS: '3' } });
      const after = (await getJson(again.url, '/api/statistics')).body;
      expect(after).toEqual(stats);
      await again.close();
    } finally {
      await counted.close();
      await fresh.drop();
    }
  });

  it('GET /health answers {"status":"ok","database":"ok"}', async () => {
    expect(await getJson(service.url, '/health')).toMatchObject({
      status: 200,
      body: { status: 'ok', database: 'ok' },
    });
  });
});

describe('the state machine', () => {
  it('pending → processing → completed, with timestamps, processing time and one attempt', async () => {
    const id = await ask(service.url, 'Lifecycle');
    await waitForFinal(service.url, id);
    const row = (
      await db.query(
        `SELECT status, attempts, retries, started_at >= created_at AS started_after, completed_at >= started_at AS completed_after,
                processing_time_ms > 0 AS timed, claimed_by, lease_expires_at, provider, model
           FROM messages WHERE id = $1`,
        [id],
      )
    ).rows[0];
    expect(row).toEqual({
      status: 'completed',
      attempts: 1,
      retries: 0,
      started_after: true,
      completed_after: true,
      timed: true,
      claimed_by: null,
      lease_expires_at: null,
      provider: 'mock',
      model: 'mock-medical-1',
    });
  });

  it('guards every transition: one claim only, completion only by the holder, never twice', async () => {
    const pool = service.pool;
    const id = crypto.randomUUID();
    await insertMessage(pool, {
      id,
      question: 'guard',
      conversationId: null,
      urgentAdvice: null,
      instanceId: 'x',
      leaseMs: 60_000,
    });
    const [a, b] = await Promise.all([
      claimMessage(pool, { id, instanceId: 'worker-a', leaseMs: 60_000 }),
      claimMessage(pool, { id, instanceId: 'worker-b', leaseMs: 60_000 }),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const holder = a ? 'worker-a' : 'worker-b';
    const other = a ? 'worker-b' : 'worker-a';
    const completion = { id, response: 'r', provider: 'p', model: 'm', promptTokens: 1, completionTokens: 1 };
    expect(await completeMessage(pool, { ...completion, instanceId: other })).toBe(false);
    expect(await completeMessage(pool, { ...completion, instanceId: holder })).toBe(true);
    expect(await completeMessage(pool, { ...completion, instanceId: holder })).toBe(false);
    expect(await claimMessage(pool, { id, instanceId: holder, leaseMs: 60_000 })).toBeNull();
  });
});

describe('processing', () => {
  it('never runs more than MAX_WORKERS messages at once, and uses them all', async () => {
    const busy = await startTestService({ databaseUrl: db.url, env: { MAX_WORKERS: '3', MOCK_LATENCY_MS: '150' } });
    try {
      const ids = await Promise.all(Array.from({ length: 15 }, (_, i) => ask(busy.url, `concurrency ${i}`)));
      let maxActive = 0;
      let maxProcessingRows = 0;
      while (true) {
        maxActive = Math.max(maxActive, busy.dispatcher.activeWorkers);
        const rows = await db.query(
          "SELECT count(*)::int AS n FROM messages WHERE status = 'processing' AND id = ANY($1::uuid[])",
          [ids],
        );
        maxProcessingRows = Math.max(maxProcessingRows, Number(rows.rows[0]?.n));
        const done = await db.query(
          "SELECT count(*)::int AS n FROM messages WHERE status = 'completed' AND id = ANY($1::uuid[])",
          [ids],
        );
        if (Number(done.rows[0]?.n) === 15) break;
        await sleep(10);
      }
      expect(maxActive).toBe(3);
      expect(maxProcessingRows).toBeLessThanOrEqual(3);
      expect(maxProcessingRows).toBeGreaterThanOrEqual(2);
    } finally {
      await busy.close();
    }
  });

  it('a question asked while a worker is idle is written already claimed, in the statement that writes it', async () => {
    const slow = await startTestService({ databaseUrl: db.url, env: { MAX_WORKERS: '2', MOCK_LATENCY_MS: '1500' } });
    try {
      const first = await ask(slow.url, 'Claimed as it is written?');
      const second = await ask(slow.url, 'And this one too?');
      const third = await ask(slow.url, 'This one waits for a worker.');
      // xmin is the transaction that wrote a row's current version: a message claimed by a second
      // statement would carry another transaction than the conversation created with it.
      const { rows } = await db.query(
        `SELECT m.id, m.status, m.attempts, m.claimed_by, m.started_at = m.created_at AS started_as_written,
                m.xmin::text = c.xmin::text AS one_statement
           FROM messages m JOIN conversations c ON c.id = m.conversation_id
          WHERE m.id = ANY($1::uuid[])`,
        [[first, second, third]],
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const id of [first, second]) {
        expect(byId.get(id)).toMatchObject({
          status: 'processing',
          attempts: 1,
          claimed_by: slow.instanceId,
          started_as_written: true,
          one_statement: true,
        });
      }
      // Both workers busy: the third is written pending, queued here, and claimed when one is free.
      expect(byId.get(third)).toMatchObject({ status: 'pending', attempts: 0, claimed_by: slow.instanceId });
      for (const id of [first, second, third]) expect((await waitForFinal(slow.url, id)).status).toBe('completed');
    } finally {
      await slow.close();
    }
  });

  it('a worker kept for a question whose write fails is free again', async () => {
    const fresh = await createTestDatabase();
    const single = await startTestService({ databaseUrl: fresh.url, env: { MAX_WORKERS: '1' } });
    try {
      const unknown = { question: 'Lost conversation?', conversationId: '00000000-0000-4000-8000-000000000000' };
      for (let i = 0; i < 3; i++) expect((await postJson(single.url, '/api/chat', unknown)).status).toBe(404);
      expect(single.dispatcher.activeWorkers).toBe(0);
      const id = await ask(single.url, 'Still answered after three refused questions?');
      expect((await waitForFinal(single.url, id, 5000)).status).toBe('completed');
    } finally {
      await single.close();
      await fresh.drop();
    }
  });

  it('recovers from transient failures and counts every retry', async () => {
    const fresh = await createTestDatabase();
    const flaky = await startTestService({
      databaseUrl: fresh.url,
      env: { MOCK_FAILURE_RATE: '0.5', MAX_RETRIES: '20', MOCK_LATENCY_MS: '5' },
    });
    try {
      const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => ask(flaky.url, `flaky ${i}`)));
      for (const id of ids) expect((await waitForFinal(flaky.url, id)).status).toBe('completed');
      const sum = Number((await fresh.query('SELECT sum(retries)::int AS n FROM messages')).rows[0]?.n);
      expect(sum).toBeGreaterThan(0);
      expect((await getJson(flaky.url, '/api/statistics')).body.totalRetries).toBe(sum);
      const consistent = await fresh.query('SELECT bool_and(attempts = retries + 1) AS ok FROM messages');
      expect(consistent.rows[0]).toEqual({ ok: true });
    } finally {
      await flaky.close();
      await fresh.drop();
    }
  });

  it('fails permanently after MAX_RETRIES', async () => {
    const broken = await startTestService({
      databaseUrl: db.url,
      env: { MOCK_FAILURE_RATE: '1', MAX_RETRIES: '2', MOCK_LATENCY_MS: '5' },
    });
    try {
      const id = await ask(broken.url, 'always fails');
      const final = await waitForFinal(broken.url, id);
      expect(final.status).toBe('failed');
      expect(final.error).toMatch(/failed on purpose/);
      expect((await db.query('SELECT retries, attempts FROM messages WHERE id = $1', [id])).rows[0]).toEqual({
        retries: 2,
        attempts: 3,
      });
    } finally {
      await broken.close();
    }
  });
});
