/**
 * A worker reserved for a question being written already claimed (Dispatcher.reserveWorker):
 * a stop or a cancel while the row is being written must keep it from calling the provider.
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

/** A provider that never answers on its own, and counts its calls. */
function hangingProvider(): LlmProvider & { calls: number } {
  return {
    name: 'hang',
    model: 'hang-1',
    calls: 0,
    complete(request: CompletionRequest): Promise<CompletionResult> {
      this.calls++;
      return new Promise((_resolve, reject) => {
        request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
      });
    },
  };
}

const noDeltas: DeltaSink = {
  open: () => ({ push: () => undefined, takeRest: async () => [], end: async () => undefined }),
} as unknown as DeltaSink;

function dispatcherWith(provider: LlmProvider): Dispatcher {
  return new Dispatcher({
    pool,
    provider,
    deltas: noDeltas,
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
async function writeClaimed(id: string, worker: NonNullable<ReturnType<Dispatcher['reserveWorker']>>) {
  const inserted = await insertMessage(pool, {
    id,
    question: 'Written while the instance stops?',
    conversationId: null,
    urgentAdvice: null,
    claimed: true,
    instanceId: INSTANCE,
    leaseMs: 30_000,
  });
  if (!inserted) throw new Error('not written');
  worker.start({ id, question: 'q', attempts: 1, retries: 0, ...inserted, hasEarlierTurns: false });
}

const statusOf = async (id: string) =>
  (await pool.query('SELECT status, claimed_by FROM messages WHERE id = $1', [id])).rows[0];

describe('a reserved worker', () => {
  it('does not start on a message written after the stop began; the stop gives it back', async () => {
    const provider = hangingProvider();
    const dispatcher = dispatcherWith(provider);
    const id = randomUUID();
    const worker = dispatcher.reserveWorker(id);
    if (!worker) throw new Error('no idle worker');
    const stopped = dispatcher.stop(50);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the grace period is over
    await writeClaimed(id, worker);
    const started = performance.now();
    await stopped;
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(provider.calls).toBe(0);
    expect(await statusOf(id)).toEqual({ status: 'pending', claimed_by: null });
  });

  it('does not start on a message aborted (cancelled) while it was being written', async () => {
    const provider = hangingProvider();
    const dispatcher = dispatcherWith(provider);
    const id = randomUUID();
    const worker = dispatcher.reserveWorker(id);
    if (!worker) throw new Error('no idle worker');
    dispatcher.abort(id);
    await writeClaimed(id, worker);
    await expect.poll(() => dispatcher.activeWorkers).toBe(0);
    expect(provider.calls).toBe(0);
    await dispatcher.stop(0);
  });
});
