/**
 * Issue 6 over REST and Socket.IO: conversations and their context, cancellation, idempotency,
 * urgent marking, retention.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompletionRequest, CompletionResult, LlmProvider } from '../../server/providers/types.js';
import type { Service } from '../../server/service.js';
import type { MessageStatusEvent } from '../../shared/socket-events.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { eventually, getJson, postJson, waitForFinal } from '../helpers/http.js';
import { startTestService } from '../helpers/service.js';
import { openSocket } from '../helpers/socket.js';

/** Answers with how many earlier turns it was given; waits on a gate when asked to hang. */
class RecordingProvider implements LlmProvider {
  readonly name = 'recording';
  readonly model = 'recording-1';
  readonly requests: CompletionRequest[] = [];
  aborted = 0;

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    this.requests.push(request);
    const question = request.messages.at(-1)?.content ?? '';
    if (question.includes('[hang]')) {
      await new Promise((_, reject) => {
        request.signal.addEventListener('abort', () => {
          this.aborted++;
          reject(request.signal.reason);
        });
      });
    }
    const text = `answer to "${question}" with ${request.messages.length - 1} earlier turns`;
    request.onText(text);
    return { text, usage: { promptTokens: 10, completionTokens: 10 }, provider: this.name, model: this.model };
  }
}

let db: TestDatabase;
let service: Service;
const provider = new RecordingProvider();

beforeAll(async () => {
  db = await createTestDatabase();
  service = await startTestService({
    databaseUrl: db.url,
    provider,
    env: { MAX_CONTEXT_MESSAGES: '2', MAX_CONTEXT_CHARS: '100000', MAX_WORKERS: '4' },
  });
});
afterAll(async () => {
  await service?.close();
  await db?.drop();
});

const count = async (table: string) => Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);

describe('conversations', () => {
  it('starts a new conversation without conversationId and continues one with it, with bounded context', async () => {
    const first = await postJson(service.url, '/api/chat', { question: 'What is a migraine?' });
    expect(first.status).toBe(202);
    const conversationId = first.body.conversationId as string;
    expect(conversationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await waitForFinal(service.url, first.body.messageId as string)).toMatchObject({ status: 'completed' });

    const ids = [first.body.messageId as string];
    for (const question of ['And for a child?', 'How long does it last?', 'When should I worry?']) {
      const next = await postJson(service.url, '/api/chat', { question, conversationId });
      expect(next.status).toBe(202);
      expect(next.body.conversationId).toBe(conversationId);
      ids.push(next.body.messageId as string);
      await waitForFinal(service.url, next.body.messageId as string);
    }
    // The provider saw the earlier turns, oldest dropped first beyond MAX_CONTEXT_MESSAGES=2.
    const last = provider.requests.at(-1);
    expect(last?.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(last?.messages[0]?.content).toBe('And for a child?');
    expect(last?.messages[2]?.content).toBe('How long does it last?');
    expect(last?.messages[3]?.content).toContain('How long does it last?');

    const thread = await getJson(service.url, `/api/conversations/${conversationId}`);
    expect(thread.status).toBe(200);
    const messages = thread.body.messages as Array<Record<string, unknown>>;
    expect(messages.map((m) => m.messageId)).toEqual(ids);
    expect(messages.map((m) => m.question)).toEqual([
      'What is a migraine?',
      'And for a child?',
      'How long does it last?',
      'When should I worry?',
    ]);
    expect(messages.every((m) => m.status === 'completed' && typeof m.response === 'string')).toBe(true);
  });

  it('bounds the context by size, dropping whole turns oldest first', async () => {
    const small = await startTestService({
      databaseUrl: db.url,
      provider,
      env: { MAX_CONTEXT_MESSAGES: '10', MAX_CONTEXT_CHARS: '100' },
    });
    try {
      const first = await postJson(small.url, '/api/chat', { question: 'First question about sleep' });
      const conversationId = first.body.conversationId as string;
      await waitForFinal(small.url, first.body.messageId as string);
      const second = await postJson(small.url, '/api/chat', { question: 'Second one', conversationId });
      await waitForFinal(small.url, second.body.messageId as string);
      const third = await postJson(small.url, '/api/chat', { question: 'Third', conversationId });
      await waitForFinal(small.url, third.body.messageId as string);
      const request = provider.requests.at(-1);
      // The first turn is 83 characters, the second 53: only the newest fits in 100.
      expect(request?.messages.map((m) => m.content)[0]).toBe('Second one');
      expect(request?.messages).toHaveLength(3);
    } finally {
      await small.close();
    }
  });

  it('rejects an unknown (404) or malformed (400) conversationId and writes nothing', async () => {
    const before = [await count('messages'), await count('conversations')];
    const unknown = await postJson(service.url, '/api/chat', {
      question: 'hello',
      conversationId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/conversation/i);
    const malformed = await postJson(service.url, '/api/chat', { question: 'hello', conversationId: 'nope' });
    expect(malformed.status).toBe(400);
    const wrongType = await postJson(service.url, '/api/chat', { question: 'hello', conversationId: 42 });
    expect(wrongType.status).toBe(400);
    expect([await count('messages'), await count('conversations')]).toEqual(before);
    expect((await getJson(service.url, '/api/conversations/nope')).status).toBe(400);
    expect((await getJson(service.url, '/api/conversations/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('continues a conversation over the socket too', async () => {
    const socket = openSocket(service.url);
    try {
      const first = await socket.emitWithAck('ask', { question: 'Is coffee bad for the heart?' });
      expect(first).toMatchObject({ conversationId: expect.any(String), messageId: expect.any(String) });
      await waitForFinal(service.url, first.messageId);
      const second = await socket.emitWithAck('ask', { question: 'And tea?', conversationId: first.conversationId });
      expect(second.conversationId).toBe(first.conversationId);
      const bad = await socket.emitWithAck('ask', {
        question: 'x',
        conversationId: '00000000-0000-4000-8000-000000000000',
      });
      expect(bad).toEqual({ error: 'No conversation with that id.' });
    } finally {
      socket.close();
    }
  });
});

describe('cancellation', () => {
  it('aborts a processing message: failed, error "cancelled", cancelled: true, pushed and counted', async () => {
    const socket = openSocket(service.url);
    const events: MessageStatusEvent[] = [];
    socket.on('message:status', (e: MessageStatusEvent) => events.push(e));
    try {
      const asked = await socket.emitWithAck('ask', { question: 'please [hang]' });
      await eventually(
        async () => (await getJson(service.url, `/api/chat/${asked.messageId}`)).body.status === 'processing',
      );
      const abortedBefore = provider.aborted;
      const cancel = await postJson(service.url, `/api/chat/${asked.messageId}/cancel`, {});
      expect(cancel.status).toBe(200);
      expect(cancel.body).toEqual({
        messageId: asked.messageId,
        status: 'failed',
        error: 'cancelled',
        cancelled: true,
      });
      await eventually(() => provider.aborted === abortedBefore + 1, 5000, 'provider call aborted');
      expect(await getJson(service.url, `/api/chat/${asked.messageId}`)).toMatchObject({
        body: { status: 'failed', error: 'cancelled', cancelled: true },
      });
      await eventually(() => events.some((e) => e.status === 'failed'), 5000, 'failed event');
      expect(events.find((e) => e.status === 'failed')).toMatchObject({ error: 'cancelled', cancelled: true });
      const row = (
        await db.query('SELECT status, cancelled, claimed_by FROM messages WHERE id = $1', [asked.messageId])
      ).rows[0];
      expect(row).toEqual({ status: 'failed', cancelled: true, claimed_by: null });
      const stats = await getJson(service.url, '/api/statistics');
      expect(stats.body.messagesCancelled).toBeGreaterThanOrEqual(1);
      // Finished: a second cancel is a conflict.
      expect((await postJson(service.url, `/api/chat/${asked.messageId}/cancel`, {})).status).toBe(409);
    } finally {
      socket.close();
    }
  });

  it('cancels a pending message before any worker takes it', async () => {
    const slow = await startTestService({ databaseUrl: db.url, provider, env: { MAX_WORKERS: '1' } });
    try {
      const blocker = await postJson(slow.url, '/api/chat', { question: 'blocker [hang]' });
      const waiting = await postJson(slow.url, '/api/chat', { question: 'waiting in line' });
      expect((await getJson(slow.url, `/api/chat/${waiting.body.messageId}`)).body.status).toBe('pending');
      expect((await postJson(slow.url, `/api/chat/${waiting.body.messageId}/cancel`, {})).status).toBe(200);
      expect((await postJson(slow.url, `/api/chat/${blocker.body.messageId}/cancel`, {})).status).toBe(200);
      await sleep(200);
      const rows = await db.query('SELECT status, attempts FROM messages WHERE id = $1', [waiting.body.messageId]);
      expect(rows.rows[0]).toEqual({ status: 'failed', attempts: 0 }); // never reached the provider
    } finally {
      await slow.close();
    }
  });

  it('answers 409 for a completed message, 404 for an unknown one, 400 for a malformed id', async () => {
    const done = await postJson(service.url, '/api/chat', { question: 'quick one' });
    await waitForFinal(service.url, done.body.messageId as string);
    expect((await postJson(service.url, `/api/chat/${done.body.messageId}/cancel`, {})).status).toBe(409);
    expect((await postJson(service.url, '/api/chat/00000000-0000-4000-8000-000000000000/cancel', {})).status).toBe(404);
    expect((await postJson(service.url, '/api/chat/nope/cancel', {})).status).toBe(400);
  });
});

describe('idempotency', () => {
  it('returns the same messageId for the same key and writes nothing new, also when requests race', async () => {
    const before = await count('messages');
    const key = `key-${Date.now()}`;
    const racing = await Promise.all(
      Array.from({ length: 8 }, () =>
        postJson(service.url, '/api/chat', { question: 'Same question' }, { 'Idempotency-Key': key }),
      ),
    );
    expect(racing.every((r) => r.status === 202)).toBe(true);
    const ids = new Set(racing.map((r) => r.body.messageId));
    expect(ids.size).toBe(1);
    expect(racing.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(7);
    const later = await postJson(service.url, '/api/chat', { question: 'Same question' }, { 'Idempotency-Key': key });
    expect(later.body.messageId).toBe([...ids][0]);
    expect(await count('messages')).toBe(before + 1);
    // A different key is a different message.
    const other = await postJson(
      service.url,
      '/api/chat',
      { question: 'Same question' },
      { 'Idempotency-Key': `${key}-2` },
    );
    expect(other.body.messageId).not.toBe(later.body.messageId);
  });

  it('refuses the key reused for a different question or conversation with 422, writing nothing', async () => {
    const key = `reuse-${Date.now()}`;
    const first = await postJson(
      service.url,
      '/api/chat',
      { question: 'Is ibuprofen safe?' },
      { 'Idempotency-Key': key },
    );
    expect(first.status).toBe(202);
    const before = [await count('messages'), await count('conversations'), await count('idempotency_keys')];
    const otherQuestion = await postJson(
      service.url,
      '/api/chat',
      { question: 'Is aspirin safe?' },
      { 'Idempotency-Key': key },
    );
    expect(otherQuestion.status).toBe(422);
    expect(otherQuestion.body.error).toMatch(/Idempotency-Key was already used for a different request/);
    const otherConversation = await postJson(
      service.url,
      '/api/chat',
      { question: 'Is ibuprofen safe?', conversationId: first.body.conversationId },
      { 'Idempotency-Key': key },
    );
    expect(otherConversation.status).toBe(422);
    expect([await count('messages'), await count('conversations'), await count('idempotency_keys')]).toEqual(before);
    // The same request (the question is trimmed before comparing) is still a replay.
    const same = await postJson(
      service.url,
      '/api/chat',
      { question: '  Is ibuprofen safe?  ' },
      { 'Idempotency-Key': key },
    );
    expect(same.status).toBe(202);
    expect(same.body.messageId).toBe(first.body.messageId);
  });

  it('treats a key older than 24 hours as new', async () => {
    const key = `old-${Date.now()}`;
    const first = await postJson(service.url, '/api/chat', { question: 'q' }, { 'Idempotency-Key': key });
    await db.query(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`, [key]);
    const again = await postJson(service.url, '/api/chat', { question: 'q' }, { 'Idempotency-Key': key });
    expect(again.status).toBe(202);
    expect(again.body.messageId).not.toBe(first.body.messageId);
  });

  it('rejects a malformed key with 400 and writes nothing', async () => {
    const before = await count('messages');
    const bad = await postJson(service.url, '/api/chat', { question: 'q' }, { 'Idempotency-Key': 'has space' });
    expect(bad.status).toBe(400);
    expect(await count('messages')).toBe(before);
  });
});

describe('idempotency over Socket.IO', () => {
  const connected = () => openSocket(service.url, { forceNew: true });
  /** The message rooms the server has this client's socket in. */
  const roomsOf = (socket: Socket) =>
    [...(service.sockets.io.of('/').sockets.get(socket.id ?? '')?.rooms ?? [])].filter((r) => r.startsWith('message:'));
  const waitConnected = (socket: Socket) =>
    new Promise<void>((resolve) => (socket.connected ? resolve() : socket.once('connect', () => resolve())));

  it('a socket ask and its REST fallback with the same key make one message', async () => {
    const socket = connected();
    try {
      const key = `socket-then-rest-${randomUUID()}`;
      const question = 'Socket first, then REST';
      const before = await count('messages');
      const asked = await socket.emitWithAck('ask', { question, idempotencyKey: key });
      expect(asked).toEqual({ messageId: expect.any(String), conversationId: expect.any(String) });
      const fallback = await postJson(service.url, '/api/chat', { question }, { 'Idempotency-Key': key });
      expect(fallback.status).toBe(202);
      expect(fallback.body).toEqual({ messageId: asked.messageId, conversationId: asked.conversationId });
      expect(fallback.headers.get('idempotent-replayed')).toBe('true');
      expect(await count('messages')).toBe(before + 1);
      expect((await db.query('SELECT id FROM messages WHERE question = $1', [question])).rows).toEqual([
        { id: asked.messageId },
      ]);
    } finally {
      socket.close();
    }
  });

  it('socket asks with one key, racing or repeated, make one message; a repeat says replayed and follows it', async () => {
    const sockets = Array.from({ length: 4 }, connected);
    const heard: MessageStatusEvent[] = [];
    sockets[3]?.on('message:status', (e: MessageStatusEvent) => heard.push(e));
    try {
      await Promise.all(sockets.map(waitConnected));
      const key = `socket-twice-${randomUUID()}`;
      const question = 'Asked over and over [hang]';
      const before = await count('messages');
      const racing = await Promise.all(
        sockets.slice(0, 3).map((s) => s.emitWithAck('ask', { question, idempotencyKey: key })),
      );
      const messageId = racing[0].messageId as string;
      expect(racing.map((a) => a.messageId)).toEqual([messageId, messageId, messageId]);
      expect(racing.filter((a) => a.replayed === true)).toHaveLength(2);
      // Later, from the same socket and from another (a reconnect, say).
      const again = await sockets[0]?.emitWithAck('ask', { question, idempotencyKey: key });
      const elsewhere = await sockets[3]?.emitWithAck('ask', { question, idempotencyKey: key });
      const replay = { messageId, conversationId: racing[0].conversationId, replayed: true };
      expect([again, elsewhere]).toEqual([replay, replay]);
      expect(await count('messages')).toBe(before + 1);
      // Every asking socket follows that message, and no message a losing racer would have made.
      for (const socket of sockets) expect(roomsOf(socket)).toEqual([`message:${messageId}`]);
      await eventually(async () => (await getJson(service.url, `/api/chat/${messageId}`)).body.status === 'processing');
      expect((await postJson(service.url, `/api/chat/${messageId}/cancel`, {})).status).toBe(200);
      await eventually(() => heard.some((e) => e.messageId === messageId && e.status === 'failed'), 5000);
    } finally {
      for (const socket of sockets) socket.close();
    }
  });

  it('answers a malformed key, or one used for another question, with an error ack, writing nothing', async () => {
    const socket = connected();
    try {
      const key = `socket-reuse-${randomUUID()}`;
      const first = await postJson(
        service.url,
        '/api/chat',
        { question: 'Is zinc useful?' },
        { 'Idempotency-Key': key },
      );
      expect(first.status).toBe(202);
      const before = [await count('messages'), await count('conversations'), await count('idempotency_keys')];
      for (const idempotencyKey of ['has space', '', 'x'.repeat(256), 'ä']) {
        expect(await socket.emitWithAck('ask', { question: 'Is zinc useful?', idempotencyKey })).toEqual({
          error: 'idempotencyKey must be 1 to 255 visible ASCII characters.',
        });
      }
      expect(await socket.emitWithAck('ask', { question: 'Is zinc useful?', idempotencyKey: 42 })).toEqual({
        error: 'idempotencyKey must be a string',
      });
      const reused = [
        { question: 'Is iron useful?', idempotencyKey: key },
        { question: 'Is zinc useful?', idempotencyKey: key, conversationId: first.body.conversationId },
      ];
      for (const payload of reused) {
        expect(await socket.emitWithAck('ask', payload)).toEqual({
          error: expect.stringMatching(/Idempotency-Key was already used for a different request/),
        });
      }
      expect([await count('messages'), await count('conversations'), await count('idempotency_keys')]).toEqual(before);
      expect(roomsOf(socket)).toEqual([]);
    } finally {
      socket.close();
    }
  });
});

describe('urgent questions', () => {
  it('marks a red-flag question urgent at once, in the answer, REST and the first status event', async () => {
    const socket = openSocket(service.url);
    const events: MessageStatusEvent[] = [];
    socket.on('message:status', (e: MessageStatusEvent) => events.push(e));
    try {
      const question = 'I have crushing chest pain spreading to my arm, I am sweating and short of breath';
      const asked = await socket.emitWithAck('ask', { question });
      expect(asked).toMatchObject({ urgent: true, urgentAdvice: expect.stringMatching(/emergency/i) });
      await eventually(() => events.length > 0, 5000, 'first event');
      expect(events[0]).toMatchObject({ status: 'pending', urgent: true, urgentAdvice: asked.urgentAdvice });
      const rest = await postJson(service.url, '/api/chat', { question });
      expect(rest.body).toMatchObject({ urgent: true });
      const state = await getJson(service.url, `/api/chat/${rest.body.messageId}`);
      expect(state.body).toMatchObject({ urgent: true, urgentAdvice: expect.any(String) });
      // An ordinary question carries no urgency fields at all.
      const calm = await postJson(service.url, '/api/chat', { question: 'How much water should I drink a day?' });
      expect(calm.body).not.toHaveProperty('urgent');
      expect((await getJson(service.url, `/api/chat/${calm.body.messageId}`)).body).not.toHaveProperty('urgent');
    } finally {
      socket.close();
    }
  });
});

describe('retention', () => {
  it('deletes conversations idle longer than RETENTION_DAYS (the housekeeping job, run here at start-up), keeping recent ones', async () => {
    const old = await postJson(service.url, '/api/chat', { question: 'an old question' });
    await waitForFinal(service.url, old.body.messageId as string);
    const recent = await postJson(service.url, '/api/chat', { question: 'a recent question' });
    await waitForFinal(service.url, recent.body.messageId as string);
    await db.query(`UPDATE conversations SET updated_at = now() - interval '40 days' WHERE id = $1`, [
      old.body.conversationId,
    ]);
    const keeper = await startTestService({ databaseUrl: db.url, provider, env: { RETENTION_DAYS: '30' } });
    await keeper.close();
    expect((await getJson(service.url, `/api/conversations/${old.body.conversationId}`)).status).toBe(404);
    // Every instance forgets the deleted answers it kept for polling (told by a NOTIFY).
    await eventually(async () => (await getJson(service.url, `/api/chat/${old.body.messageId}`)).status === 404);
    expect((await getJson(service.url, `/api/conversations/${recent.body.conversationId}`)).status).toBe(200);
  });

  it('keeps everything with RETENTION_DAYS=0 (the default)', async () => {
    const old = await postJson(service.url, '/api/chat', { question: 'kept forever' });
    await waitForFinal(service.url, old.body.messageId as string);
    await db.query(`UPDATE conversations SET updated_at = now() - interval '4000 days' WHERE id = $1`, [
      old.body.conversationId,
    ]);
    const keeper = await startTestService({ databaseUrl: db.url, provider });
    await keeper.close();
    expect((await getJson(service.url, `/api/conversations/${old.body.conversationId}`)).status).toBe(200);
  });
});
