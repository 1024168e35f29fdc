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

const completedIds = async () =>
  new Set((await db.query<{ id: string }>("SELECT id FROM messages WHERE status = 'completed'")).rows.map((r) => r.id));

async function untilCompleted(ids: string[], what: string): Promise<void> {
  await eventually(
    async () => {
      const done = await completedIds();
      return ids.every((id) => done.has(id));
    },
    30_000,
    what,
  );
}

/** A message an instance that died left behind (its lease expired): the sweeper's to take. */
async function leaveAbandonedMessage(question: string): Promise<string> {
  const id = randomUUID();
  const direct = new pg.Pool({ connectionString: db.url, max: 1 });
  try {
    await insertMessages(direct, {
      messages: [{ id, question, conversationId: null, urgentAdvice: null }],
      instanceId: 'an-instance-that-died',
      leaseMs: -1000,
    });
  } finally {
    await direct.end();
  }
  return id;
}

function startGatedService(provider: LlmProvider, outageMs: number) {
  return startTestService({
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
}

async function answersThroughOutage(outageMs: number) {
  const provider = new GatedProvider();
  const statuses = await listenToStatuses(db.url);
  const service = await startGatedService(provider, outageMs);
  try {
    // Four questions fill the four workers; two more wait in the queue.
    const finishDuringOutage = ['A1 finished while the database is away', 'A2 finished while the database is away'];
    const runAcrossOutage = ['B1 still running when the database is back', 'B2 still running when it is back'];
    const queued = ['C1 queued through the outage', 'C2 queued through the outage'];
    const idOf = new Map<string, string>();
    for (const question of [...finishDuringOutage, ...runAcrossOutage, ...queued])
      idOf.set(question, await ask(service.url, question));
    await provider.callsReached(4);

    proxy.cut();
    await eventually(async () => (await fetch(`${service.url}/health`)).status === 503, 10_000, 'health 503');
    provider.release(...finishDuringOutage);
    await sleep(outageMs); // the outage itself, not a wait for something to happen
    proxy.restore();

    // The answers finished during the outage were kept: written once the database is back.
    await untilCompleted(
      finishDuringOutage.map((q) => idOf.get(q) as string),
      'answers finished during the outage written',
    );
    // Once the sweeper took this one, a sweep ran after the outage while the B workers still answer.
    const abandoned = 'D left behind by a dead instance';
    idOf.set(abandoned, await leaveAbandonedMessage(abandoned));
    const claimedBy = async () =>
      (await db.query('SELECT claimed_by FROM messages WHERE id = $1', [idOf.get(abandoned)])).rows[0]?.claimed_by;
    await eventually(async () => (await claimedBy()) === service.instanceId, 30_000, 'the abandoned message swept');
    provider.releaseAll();

    await untilCompleted([...idOf.values()], 'every message completed');
    await expectEachAnsweredOnce(service.url, provider, idOf, statuses.heard);
  } finally {
    provider.releaseAll();
    await service.close();
    await statuses.close();
  }
}

/**
 * Every message answered by its first attempt with one model call and no retry, and none set back
 * to pending under its running worker (its status events, once all are heard).
 */
async function expectEachAnsweredOnce(
  url: string,
  provider: GatedProvider,
  idOf: Map<string, string>,
  heard: Map<string, string[]>,
) {
  const rows = await db.query('SELECT id, response, attempts, retries FROM messages ORDER BY created_at');
  expect(rows.rows).toEqual(
    [...idOf].map(([question, id]) => ({ id, response: answerTo(question), attempts: 1, retries: 0 })),
  );
  expect(Object.fromEntries(provider.calls)).toEqual(Object.fromEntries([...idOf.keys()].map((q) => [q, 1])));
  expect((await getJson(url, '/api/statistics')).body).toMatchObject({ totalRetries: 0, messagesFailed: 0 });
  const ids = [...idOf.values()];
  await eventually(() => ids.every((id) => heard.get(id)?.includes('completed')), 10_000, 'every completed event');
  const statusesOf = Object.fromEntries([...idOf].map(([question, id]) => [question, heard.get(id)]));
  expect(statusesOf).toEqual(
    Object.fromEntries([...idOf.keys()].map((q) => [q, ['pending', 'processing', 'completed']])),
  );
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
