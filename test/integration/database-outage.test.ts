/**
 * Issue 16: one instance through a PostgreSQL outage with answers in flight. The outage is a TCP
 * proxy between the service and the database cutting every connection (the database server,
 * shared with other test files, keeps running). Answers finished during the outage are kept and
 * written when the database is back; the model is called once per question; nothing counts as a
 * retry; and the instance's sweeper never takes a message from its own running workers.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_CHANNEL } from '../../server/db/channels.js';
import { insertMessages } from '../../server/db/messages.js';
import type { CompletionRequest, CompletionResult, LlmProvider } from '../../server/providers/types.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { ask, eventually, getJson } from '../helpers/http.js';
import { startTestService } from '../helpers/service.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

/** How long the database is away (the operator test stopped it for 45 s). */
const OUTAGE_MS = 45_000;

const answerTo = (question: string) => `An answer to "${question}".`;

/**
 * A model whose answers wait for the test: each call streams a first piece, then holds until its
 * question is released (or every question is, with releaseAll). Counts its calls per question.
 */
class GatedProvider implements LlmProvider {
  readonly name = 'gated';
  readonly model = 'gated-1';
  readonly calls = new Map<string, number>();
  private readonly released = new Set<string>();
  private releasedAll = false;
  private readonly waiting = new Map<string, () => void>();
  private readonly callWaiters: Array<{ count: number; resolve: () => void }> = [];

  get totalCalls(): number {
    return [...this.calls.values()].reduce((sum, n) => sum + n, 0);
  }

  async complete(request: CompletionRequest): Promise<CompletionResult> {
    const question = request.messages.at(-1)?.content ?? '';
    this.calls.set(question, (this.calls.get(question) ?? 0) + 1);
    for (const waiter of this.callWaiters.filter((w) => this.totalCalls >= w.count)) waiter.resolve();
    request.onText('An answer ');
    if (!this.releasedAll && !this.released.has(question)) {
      await new Promise<void>((resolve, reject) => {
        this.waiting.set(question, resolve);
        request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
      });
    }
    const text = answerTo(question);
    request.onText(text.slice('An answer '.length));
    return { text, usage: { promptTokens: 5, completionTokens: 7 }, provider: this.name, model: this.model };
  }

  /** Resolves once the model has been called `count` times in all. */
  callsReached(count: number): Promise<void> {
    if (this.totalCalls >= count) return Promise.resolve();
    return new Promise((resolve) => this.callWaiters.push({ count, resolve }));
  }

  release(...questions: string[]): void {
    for (const question of questions) {
      this.released.add(question);
      this.waiting.get(question)?.();
    }
  }

  releaseAll(): void {
    this.releasedAll = true;
    for (const resolve of this.waiting.values()) resolve();
  }
}

/** Every status event the database sends, heard on a direct connection (not through the proxy). */
async function listenToStatuses(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const heard = new Map<string, string[]>();
  client.on('notification', (n) => {
    const { id, status } = JSON.parse(n.payload ?? '{}') as { id: string; status: string };
    heard.set(id, [...(heard.get(id) ?? []), status]);
  });
  await client.query(`LISTEN ${STATUS_CHANNEL}`);
  return { heard, close: () => client.end() };
}

let db: TestDatabase;
let proxy: TcpProxy;
beforeAll(async () => {
  db = await createTestDatabase();
  proxy = await startTcpProxy(db.url);
});
afterAll(async () => {
  await proxy?.close();
  await db?.drop();
});

async function answersThroughOutage(outageMs: number) {
  const provider = new GatedProvider();
  const statuses = await listenToStatuses(db.url);
  const service = await startTestService({
    databaseUrl: proxy.url,
    provider,
    env: {
      MAX_WORKERS: '4',
      // Leases run out during the outage; after it, a sweep comes long before a lease renewal.
      WORKER_LEASE_SECONDS: '3',
      SWEEP_INTERVAL_SECONDS: '0.1',
      LLM_TIMEOUT_MS: String(outageMs + 120_000),
    },
  });
  try {
    // Four questions fill the four workers; two more wait in the queue.
    const finishDuringOutage = ['A1 finished while the database is away', 'A2 finished while the database is away'];
    const runAcrossOutage = ['B1 still running when the database is back', 'B2 still running when it is back'];
    const queued = ['C1 queued through the outage', 'C2 queued through the outage'];
    const questions = [...finishDuringOutage, ...runAcrossOutage, ...queued];
    const ids = new Map<string, string>();
    for (const question of questions) ids.set(question, await ask(service.url, question));
    await provider.callsReached(4);

    proxy.cut();
    await eventually(async () => (await fetch(`${service.url}/health`)).status === 503, 10_000, 'health 503');
    provider.release(...finishDuringOutage);
    await sleep(outageMs); // the outage itself, not a wait for something to happen
    proxy.restore();

    // The answers finished during the outage were kept: written once the database is back.
    const completedIds = async () =>
      new Set(
        (await db.query<{ id: string }>("SELECT id FROM messages WHERE status = 'completed'")).rows.map((r) => r.id),
      );
    await eventually(
      async () => {
        const done = await completedIds();
        return finishDuringOutage.every((q) => done.has(ids.get(q) as string));
      },
      30_000,
      'answers finished during the outage written',
    );
    // A message left by an instance that died: once the sweeper took it, a sweep has run after
    // the outage while the B workers were still answering.
    const abandoned = randomUUID();
    const direct = new pg.Pool({ connectionString: db.url, max: 1 });
    await insertMessages(direct, {
      messages: [
        { id: abandoned, question: 'D left behind by a dead instance', conversationId: null, urgentAdvice: null },
      ],
      instanceId: 'an-instance-that-died',
      leaseMs: -1000,
    });
    await direct.end();
    await eventually(
      async () =>
        (await db.query('SELECT claimed_by FROM messages WHERE id = $1', [abandoned])).rows[0]?.claimed_by ===
        service.instanceId,
      30_000,
      'the abandoned message swept',
    );
    provider.releaseAll();

    const all = [...ids.values(), abandoned];
    await eventually(
      async () => {
        const done = await completedIds();
        return all.every((id) => done.has(id));
      },
      30_000,
      'every message completed',
    );
    const rows = await db.query<{ id: string; response: string; attempts: number; retries: number }>(
      'SELECT id, response, attempts, retries FROM messages ORDER BY created_at',
    );
    const questionOf = new Map([...ids].map(([question, id]) => [id, question]));
    questionOf.set(abandoned, 'D left behind by a dead instance');
    expect(rows.rows).toEqual(
      all.map((id) => ({
        id,
        response: answerTo(questionOf.get(id) as string),
        attempts: 1,
        retries: 0,
      })),
    );
    // One model call per question.
    expect(Object.fromEntries(provider.calls)).toEqual(Object.fromEntries(all.map((id) => [questionOf.get(id), 1])));
    expect((await getJson(service.url, '/api/statistics')).body).toMatchObject({ totalRetries: 0, messagesFailed: 0 });
    // No message went back to pending under its running worker (its events, once all are heard).
    await eventually(
      () => all.every((id) => statuses.heard.get(id)?.includes('completed')),
      10_000,
      'every completed event heard',
    );
    for (const question of questions) {
      expect({ question, statuses: statuses.heard.get(ids.get(question) as string) }).toEqual({
        question,
        statuses: ['pending', 'processing', 'completed'],
      });
    }
  } finally {
    provider.releaseAll();
    await service.close();
    await statuses.close();
  }
}

describe('a single instance through a PostgreSQL outage with answers in flight', () => {
  it(
    `completes every message with one model call each and no retries (outage of ${OUTAGE_MS / 1000} s)`,
    async () => {
      await answersThroughOutage(OUTAGE_MS);
    },
    OUTAGE_MS + 120_000,
  );
});
