/**
 * A worker reserved for a question being written already claimed (Dispatcher.reserveWorker).
 * The first question of a conversation goes to the model while its row is being written: nothing
 * of the answer may be published or written before the row exists, nothing at all if the write
 * fails, and a stop or a cancel meanwhile must abort the call. A follow-up waits for the write.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMessage } from '../../server/db/messages.js';
import type { Pool } from '../../server/db/pool.js';
import type { CompletionRequest, CompletionResult, LlmProvider } from '../../server/providers/types.js';
import type { DeltaSink } from '../../server/queue/delta-sink.js';
import { Dispatcher } from '../../server/queue/dispatcher.js';
import { createTestDatabase, migratedPool, type TestDatabase } from '../helpers/database.js';

const INSTANCE = 'reserved-worker-test';
let db: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  db = await createTestDatabase();
  pool = await migratedPool(db, { max: 4, applicationName: 'reserved worker test' });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

/** A provider that answers at once, streaming its text, and counts its calls. */
function instantProvider(): LlmProvider & { calls: number } {
  return {
    name: 'instant',
    model: 'instant-1',
    calls: 0,
    async complete(request: CompletionRequest): Promise<CompletionResult> {
      this.calls++;
      request.onText?.('Rest ');
      request.onText?.('and fluids.');
      return {
        text: 'Rest and fluids.',
        provider: 'instant',
        model: 'instant-1',
        usage: { promptTokens: 3, completionTokens: 4 },
      };
    },
  };
}

/** A provider that never answers on its own, and counts its calls and the calls aborted. */
function hangingProvider(): LlmProvider & { calls: number; aborted: number } {
  return {
    name: 'hang',
    model: 'hang-1',
    calls: 0,
    aborted: 0,
    complete(request: CompletionRequest): Promise<CompletionResult> {
      this.calls++;
      return new Promise((_resolve, reject) => {
        request.signal.addEventListener(
          'abort',
          () => {
            this.aborted++;
            reject(request.signal.reason);
          },
          { once: true },
        );
      });
    },
  };
}

const noDeltas: DeltaSink = {
  open: () => ({ push: () => undefined, takeRest: async () => [], end: async () => undefined }),
} as unknown as DeltaSink;

/**
 * Publishes each piece of text as it comes, as the real publisher does once a message is
 * written: at once when the dispatcher gives no `after`, else when `after` says it is written.
 */
function recordingDeltas(): DeltaSink & { published: string[]; finished: number } {
  const published: string[] = [];
  const sink = {
    published,
    /** Streams ended or taken in full: the model's call is over, its text waits for the row. */
    finished: 0,
    open: ({ after }: { after?: Promise<boolean> }) => {
      const written = after ?? Promise.resolve(true);
      return {
        push: (text: string) => {
          void written.then((ok) => ok && published.push(text));
        },
        end: async () => {
          sink.finished++;
          await written;
        },
        takeRest: async () => {
          sink.finished++;
          await written;
          return [];
        },
      };
    },
  };
  return sink;
}

function dispatcherWith(provider: LlmProvider, deltas: DeltaSink = noDeltas): Dispatcher {
  return new Dispatcher({
    pool,
    provider,
    deltas,
    logger: pino({ level: 'silent' }),
    settings: {
      instanceId: INSTANCE,
      maxWorkers: 2,
      maxQueueSize: 10,
      retryDelayMs: 10,
      maxRetries: 0,
      leaseMs: 30_000,
      providerTimeoutMs: 60_000,
      systemPrompt: 'test',
      maxContextMessages: 0,
      maxContextChars: 0,
    },
  });
}

/** Writes the message already claimed, as submitQuestion does, and hands it to the reserved worker. */
async function writeClaimed(
  id: string,
  worker: NonNullable<ReturnType<Dispatcher['reserveWorker']>>,
  conversationId: string | null = null,
) {
  const inserted = await insertMessage(pool, {
    id,
    question: 'Written while the instance stops?',
    conversationId,
    urgentAdvice: null,
    claimed: true,
    instanceId: INSTANCE,
    leaseMs: 30_000,
  });
  if (!inserted) throw new Error('not written');
  worker.start({ id, question: 'q', attempts: 1, retries: 0, ...inserted, hasEarlierTurns: conversationId !== null });
}

const newQuestion = (id: string) => ({ id, question: 'What helps a cold?', continuesConversation: false });

/** A dispatcher with an idle worker reserved for a new conversation's question, not yet written. */
function reservedForNewQuestion(provider: LlmProvider, deltas?: DeltaSink) {
  const dispatcher = dispatcherWith(provider, deltas);
  const id = randomUUID();
  const worker = dispatcher.reserveWorker(newQuestion(id));
  if (!worker) throw new Error('no idle worker');
  return { dispatcher, id, worker };
}

const statusOf = async (id: string) =>
  (await pool.query('SELECT status, claimed_by FROM messages WHERE id = $1', [id])).rows[0];
const rowOf = async (id: string) =>
  (await pool.query('SELECT status, response FROM messages WHERE id = $1', [id])).rows[0] ?? null;

describe('a reserved worker', () => {
  it('aborts the model call when the grace of a stop ends while the row is written; the stop gives it back', async () => {
    const provider = hangingProvider();
    const { dispatcher, id, worker } = reservedForNewQuestion(provider);
    await expect.poll(() => provider.calls).toBe(1); // a new conversation's question goes to the model at once
    const stopped = dispatcher.stop(50);
    await expect.poll(() => provider.aborted, { timeout: 10_000 }).toBe(1); // the grace period is over
    await writeClaimed(id, worker);
    const started = performance.now();
    await stopped;
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await statusOf(id)).toEqual({ status: 'pending', claimed_by: null });
  });

  it('does not start a follow-up written after the stop began; the stop gives it back', async () => {
    const provider = hangingProvider();
    const dispatcher = dispatcherWith(provider);
    const first = await insertMessage(pool, {
      id: randomUUID(),
      question: 'First question',
      conversationId: null,
      urgentAdvice: null,
      instanceId: 'elsewhere',
      leaseMs: 30_000,
    });
    const id = randomUUID();
    const worker = dispatcher.reserveWorker({ id, question: 'And then?', continuesConversation: true });
    if (!worker || !first) throw new Error('no idle worker');
    const stopped = dispatcher.stop(50);
    await writeClaimed(id, worker, first.conversationId);
    await stopped;
    expect(provider.calls).toBe(0);
    expect(await statusOf(id)).toEqual({ status: 'pending', claimed_by: null });
  });

  it('aborts the model call of a message aborted (cancelled) while it was being written', async () => {
    const provider = hangingProvider();
    const { dispatcher, id, worker } = reservedForNewQuestion(provider);
    dispatcher.abort(id);
    await writeClaimed(id, worker);
    await expect.poll(() => dispatcher.activeWorkers).toBe(0);
    expect(await rowOf(id)).toMatchObject({ status: 'processing', response: null });
    await dispatcher.stop(0);
  });

  it('answers while the row is written, but publishes and completes only once it is', async () => {
    const provider = instantProvider();
    const deltas = recordingDeltas();
    const { dispatcher, id, worker } = reservedForNewQuestion(provider, deltas);
    await expect.poll(() => deltas.finished, { timeout: 10_000 }).toBe(1); // answered, not yet written
    expect(provider.calls).toBe(1);
    expect(deltas.published).toEqual([]);
    expect(dispatcher.activeWorkers).toBe(1); // answered, and waiting for the row
    await writeClaimed(id, worker);
    await expect.poll(() => rowOf(id)).toEqual({ status: 'completed', response: 'Rest and fluids.' });
    expect(deltas.published).toEqual(['Rest ', 'and fluids.']);
    await expect.poll(() => dispatcher.activeWorkers).toBe(0);
    await dispatcher.stop(0);
  });

  it('publishes and writes nothing, and frees the worker, when the write fails', async () => {
    for (const provider of [instantProvider(), hangingProvider()]) {
      const deltas = recordingDeltas();
      const { dispatcher, id, worker } = reservedForNewQuestion(provider, deltas);
      // The instant model has answered (its text waits for the row); the hanging one is called.
      const called = () => (provider.name === 'instant' ? deltas.finished : provider.calls);
      await expect.poll(called, { timeout: 10_000 }).toBe(1);
      worker.abandon(); // e.g. the statement failed
      await expect.poll(() => dispatcher.activeWorkers).toBe(0);
      expect(provider.calls).toBe(1);
      expect(deltas.published).toEqual([]);
      expect(await rowOf(id)).toBeNull();
      await dispatcher.stop(0);
    }
  });
});
