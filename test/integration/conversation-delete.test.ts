/**
 * DELETE /api/conversations/:id (issue 17, item 5), on two instances sharing one database: the
 * rows go (the question text is then in no text or JSON column of any table), the statistics keep
 * their counts, the answer in progress stops on the other instance, both instances' caches drop
 * it, its followers hear `conversation:deleted` (socket) and `deleted` (SSE, then the end).
 *
 * An answer is kept in progress by a provider the test holds at a gate (as in realtime.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompletionRequest, CompletionResult, LlmProvider } from '../../server/providers/types.js';
import type { Service } from '../../server/service.js';
import type { ConversationDeletedEvent } from '../../shared/socket-events.js';
import { isTerminal } from '../../shared/status.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { eventually, getJson, jsonOf, postJson, waitForFinal } from '../helpers/http.js';
import { startTestService } from '../helpers/service.js';
import { connect, type Recorder } from '../helpers/socket.js';
import { readSse, type SseEvent } from '../helpers/sse.js';

/**
 * Answers "Answer to: <question>"; a question with `[hold]` streams its first words, then waits
 * until its call is aborted, which it records.
 */
class HeldProvider implements LlmProvider {
  readonly name = 'held';
  readonly model = 'held-1';
  readonly aborted = new Set<string>();

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    const question = request.messages.at(-1)?.content ?? '';
    const text = `Answer to: ${question}`;
    if (question.includes('[hold]')) {
      request.onText(text.slice(0, 20));
      await new Promise((_, reject) =>
        request.signal.addEventListener('abort', () => {
          this.aborted.add(question);
          reject(request.signal.reason);
        }),
      );
    }
    request.onText(text);
    return { text, usage: { promptTokens: 3, completionTokens: 5 }, provider: this.name, model: this.model };
  }
}

const provider = new HeldProvider();
let db: TestDatabase;
/** Answers what is asked of it (an idle worker takes a question at once, on the instance that took it). */
let a: Service;
/** Takes the deletes. */
let b: Service;
beforeAll(async () => {
  db = await createTestDatabase();
  // Long leases: the other instance must not take over a message held at the gate.
  const env = { WORKER_LEASE_SECONDS: '30' };
  [a, b] = await Promise.all([
    startTestService({ databaseUrl: db.url, env, provider }),
    startTestService({ databaseUrl: db.url, env, provider }),
  ]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await db?.drop();
});

const deleteConversation = (base: string, id: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/conversations/${id}`, { method: 'DELETE', headers });

/** Where `text` occurs: "table.column" of every text, character or JSON column (arrays of them too) of every table. */
async function columnsHolding(text: string): Promise<string[]> {
  const { rows: columns } = await db.query<{ schema: string; table: string; column: string }>(
    `SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
        AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'xml')
             OR c.udt_name IN ('_text', '_varchar', '_bpchar', '_json', '_jsonb'))`,
  );
  expect(columns.length).toBeGreaterThan(5);
  const found: string[] = [];
  for (const { schema, table, column } of columns) {
    const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
    const { rows } = await db.query<{ hits: number }>(
      `SELECT count(*)::int AS hits FROM ${quoted(schema)}.${quoted(table)}
        WHERE strpos(${quoted(column)}::text, $1) > 0`,
      [text],
    );
    if ((rows[0]?.hits ?? 0) > 0) found.push(`${table}.${column}`);
  }
  return found;
}

/** The lifetime totals of the statistics (what is in progress right now left out). */
async function totals(base: string) {
  const { body } = await getJson(base, '/api/statistics');
  const { activeWorkers, queueLength, maxWorkers, idleWorkers, ...lifetime } = body;
  return lifetime;
}

type Follower = Recorder & { deleted: ConversationDeletedEvent[] };

/** Records the `conversation:deleted` events a socket hears. */
async function follower(base: string): Promise<Follower> {
  const recorder = await connect(base);
  const deleted: ConversationDeletedEvent[] = [];
  recorder.socket.on('conversation:deleted', (event: ConversationDeletedEvent) => deleted.push(event));
  return { ...recorder, deleted };
}

/**
 * Resolves once each socket has heard everything relayed to it before now: another conversation,
 * with a message they all follow, is deleted; its event comes the same way (listener, relay,
 * socket), in order, after the earlier ones.
 */
async function heardAllSoFar(...clients: Follower[]): Promise<void> {
  const { rows } = await db.query<{ conversationId: string; messageId: string }>(
    `WITH c AS (INSERT INTO conversations DEFAULT VALUES RETURNING id)
     INSERT INTO messages (question, conversation_id, status, claimed_by, lease_expires_at)
     SELECT 'a sentinel', id, 'processing', 'test-sentinel', 'infinity' FROM c
     RETURNING conversation_id AS "conversationId", id AS "messageId"`,
  );
  const { conversationId, messageId } = rows[0] ?? { conversationId: '', messageId: '' };
  for (const client of clients) await client.socket.emitWithAck('subscribe', { messageId });
  expect((await deleteConversation(b.url, conversationId)).status).toBe(204);
  const isSentinel = (event: ConversationDeletedEvent) => event.conversationId === conversationId;
  await eventually(() => clients.every((client) => client.deleted.some(isSentinel)), 10_000, 'the sentinel');
  for (const client of clients) {
    expect(client.deleted.filter(isSentinel)).toHaveLength(1);
    client.deleted.splice(client.deleted.findIndex(isSentinel), 1);
  }
}

describe('DELETE /api/conversations/:id', () => {
  it('erases the conversation everywhere: rows, keys, caches; the answer in progress stops on the other instance; followers are told', async () => {
    const marker = `Erase-me-${randomUUID()}`;
    // Answered, with an idempotency key: its question is in messages, its answer, and the key.
    const first = await postJson(a.url, '/api/chat', { question: `${marker}: a cough` }, { 'Idempotency-Key': marker });
    const conversationId = first.body.conversationId as string;
    const answeredId = first.body.messageId as string;
    expect(await waitForFinal(a.url, answeredId)).toMatchObject({ status: 'completed' });
    // Both instances now keep the finished answer in memory for pollers.
    for (const base of [a.url, b.url]) expect((await getJson(base, `/api/chat/${answeredId}`)).status).toBe(200);

    const onA = await follower(a.url);
    const onB = await follower(b.url);
    const bystander = await follower(b.url);
    const held = await postJson(a.url, '/api/chat', { question: `${marker}: a fever [hold]`, conversationId });
    const heldId = held.body.messageId as string;
    await Promise.all([onA, onB].map((c) => c.socket.emitWithAck('subscribe', { messageId: heldId })));
    // An SSE stream on each instance, each once it has its first event (the current state).
    const streams = [a.url, b.url].map((base) => {
      const events: SseEvent[] = [];
      return { events, done: readSse(`${base}/api/chat/${heldId}/events`, { events, timeoutMs: 30_000 }) };
    });
    await eventually(() => streams.every((s) => s.events.length > 0), 10_000, 'both streams started');
    await eventually(() => onB.deltas.some((d) => d.messageId === heldId), 10_000, 'the answer streaming');
    expect(await columnsHolding(marker)).toEqual(
      expect.arrayContaining(['messages.question', 'messages.response', 'idempotency_keys.key']),
    );
    const totalsBefore = await totals(b.url);

    const response = await deleteConversation(b.url, conversationId);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');

    // The worker on A stops: its provider call is aborted by the notice A heard.
    await eventually(() => provider.aborted.has(`${marker}: a fever [hold]`), 10_000, 'the held answer aborted');
    for (const { events, done } of streams) {
      const { ended } = await done;
      expect(ended).toBe(true);
      expect(events.at(-1)).toEqual({ event: 'deleted', data: { conversationId } });
      expect(events.filter((e) => e.event === 'status').map((e) => (e.data as { status: string }).status)).toEqual([
        'processing',
      ]);
    }
    await eventually(() => onA.deleted.length > 0 && onB.deleted.length > 0, 10_000, 'the followers told');
    await heardAllSoFar(onA, onB, bystander);
    expect(onA.deleted).toEqual([{ conversationId }]);
    expect(onB.deleted).toEqual([{ conversationId }]);
    expect(bystander.deleted).toEqual([]);
    // No final state of the held message ever reaches its followers: it is gone, not finished.
    const finalStates = [...onA.statuses, ...onB.statuses].filter(
      (s) => s.messageId === heldId && isTerminal(s.status),
    );
    expect(finalStates).toEqual([]);

    // Gone on both instances, caches included.
    for (const base of [a.url, b.url]) {
      await eventually(async () => (await getJson(base, `/api/chat/${answeredId}`)).status === 404, 10_000, 'cache');
      expect((await getJson(base, `/api/chat/${heldId}`)).status).toBe(404);
      expect((await getJson(base, `/api/conversations/${conversationId}`)).status).toBe(404);
      expect((await fetch(`${base}/api/conversations/${conversationId}/export`)).status).toBe(404);
      expect(await onA.socket.emitWithAck('subscribe', { messageId: answeredId })).toEqual({
        error: 'No message with that id.',
      });
    }
    expect(await columnsHolding(marker)).toEqual([]);
    expect(await totals(b.url)).toEqual(totalsBefore);
    // A second delete finds nothing; the key can name a new question; the conversation takes none.
    expect((await deleteConversation(a.url, conversationId)).status).toBe(404);
    const again = await postJson(a.url, '/api/chat', { question: 'A new question' }, { 'Idempotency-Key': marker });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(again.body.messageId).not.toBe(answeredId);
    const late = await postJson(a.url, '/api/chat', { question: 'Into the deleted one', conversationId });
    expect(late.status).toBe(404);
    for (const client of [onA, onB, bystander]) client.socket.close();
  });

  it('answers 400 for a malformed id and 404 for an unknown one, in the one error shape', async () => {
    const malformed = await deleteConversation(b.url, 'nope');
    expect(malformed.status).toBe(400);
    expect((await jsonOf(malformed, 'DELETE')).error).toBe('conversationId must be a UUID');
    const unknown = await deleteConversation(b.url, randomUUID());
    expect(unknown.status).toBe(404);
    expect((await jsonOf(unknown, 'DELETE')).error).toBe('No conversation with that id.');
  });
});

describe('with API_TOKEN set', () => {
  const token = 'a-test-token-that-is-long-enough';
  let guarded: Service;
  beforeAll(async () => {
    guarded = await startTestService({ databaseUrl: db.url, env: { API_TOKEN: token }, provider });
  });
  afterAll(async () => {
    await guarded?.close();
  });

  it('export and delete take the API token like the other routes', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const asked = await postJson(guarded.url, '/api/chat', { question: 'Token question' }, auth);
    const conversationId = asked.body.conversationId as string;
    for (const headers of [{}, { authorization: 'Bearer wrong-token-wrong-token' }] as Array<Record<string, string>>) {
      const exported = await fetch(`${guarded.url}/api/conversations/${conversationId}/export`, { headers });
      expect(exported.status).toBe(401);
      expect(exported.headers.get('www-authenticate')).toBe('Bearer');
      const deleted = await deleteConversation(guarded.url, conversationId, headers);
      expect(deleted.status).toBe(401);
      expect((await jsonOf(deleted, 'DELETE')).error).toMatch(/API token is required/);
    }
    // Only EventSource routes take ?access_token=.
    const byQuery = await deleteConversation(guarded.url, `${conversationId}?access_token=${token}`);
    expect(byQuery.status).toBe(401);
    const exported = await fetch(`${guarded.url}/api/conversations/${conversationId}/export?format=markdown`, {
      headers: auth,
    });
    expect(exported.status).toBe(200);
    expect(await exported.text()).toContain('> Token question');
    expect((await deleteConversation(guarded.url, conversationId, auth)).status).toBe(204);
    expect((await deleteConversation(guarded.url, conversationId, auth)).status).toBe(404);
  });
});
