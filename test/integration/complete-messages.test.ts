/**
 * completeMessages: the answer's last deltas are published in the completing statement, before
 * its status event, and only by the worker that still holds the message.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELTA_CHANNEL, STATUS_CHANNEL } from '../../server/db/channels.js';
import { claimMessages, completeMessages, insertMessages } from '../../server/db/messages.js';
import type { Pool } from '../../server/db/pool.js';
import { createTestDatabase, migratedPool, type TestDatabase } from '../helpers/database.js';

let db: TestDatabase;
let pool: Pool;
let listener: pg.Client;
const heard: Array<{ channel: string; payload: string }> = [];

beforeAll(async () => {
  db = await createTestDatabase();
  pool = await migratedPool(db, { max: 4, applicationName: 'complete test' });
  listener = new pg.Client({ connectionString: db.url });
  await listener.connect();
  listener.on('notification', (n) => heard.push({ channel: n.channel, payload: n.payload ?? '' }));
  await listener.query(`LISTEN ${DELTA_CHANNEL}`);
  await listener.query(`LISTEN ${STATUS_CHANNEL}`);
});
afterAll(async () => {
  await listener?.end();
  await pool?.end();
  await db?.drop();
});

async function processingMessage(instanceId: string): Promise<string> {
  const id = randomUUID();
  await insertMessages(pool, {
    messages: [{ id, question: 'q', conversationId: null, urgentAdvice: null }],
    instanceId,
    leaseMs: 30_000,
  });
  await claimMessages(pool, { ids: [id], instanceId, leaseMs: 30_000 });
  return id;
}

const completion = (id: string, instanceId: string, finalDeltas: string[]) => ({
  id,
  instanceId,
  response: 'answer',
  provider: 'mock',
  model: 'mock-1',
  promptTokens: 1,
  completionTokens: 1,
  finalDeltas,
});

const about = (id: string) => heard.filter((n) => n.payload.includes(id));

let sentinels = 0;
/** Notifications are delivered in commit order: once one sent now is heard, all before it are. */
async function heardAllSoFar(): Promise<void> {
  const sentinel = `sentinel ${++sentinels}`;
  await pool.query('SELECT pg_notify($1, $2)', [STATUS_CHANNEL, sentinel]);
  await expect.poll(() => heard.some((n) => n.payload === sentinel), { timeout: 10_000 }).toBe(true);
}

describe('completeMessages', () => {
  it('publishes the last deltas in order, before the completed status event', async () => {
    const id = await processingMessage('worker-a');
    const deltas = [0, 1, 2].map((seq) => JSON.stringify({ messageId: id, seq, text: `piece ${seq}` }));
    expect(await completeMessages(pool, [completion(id, 'worker-a', deltas)])).toEqual(new Set([id]));
    await heardAllSoFar();
    const events = about(id).filter((n) => n.channel === DELTA_CHANNEL || n.payload.includes('"completed"'));
    expect(events.map((n) => n.channel)).toEqual([DELTA_CHANNEL, DELTA_CHANNEL, DELTA_CHANNEL, STATUS_CHANNEL]);
    expect(events.slice(0, 3).map((n) => JSON.parse(n.payload).seq)).toEqual([0, 1, 2]);
  });

  it('publishes nothing for a message the worker no longer holds, and leaves it alone', async () => {
    const id = await processingMessage('worker-b');
    const lost = await completeMessages(pool, [
      completion(id, 'worker-stale', [JSON.stringify({ messageId: id, seq: 7, text: 'stale' })]),
    ]);
    expect(lost.size).toBe(0);
    await heardAllSoFar();
    expect(about(id).filter((n) => n.channel === DELTA_CHANNEL)).toEqual([]);
    expect((await db.query('SELECT status, claimed_by FROM messages WHERE id = $1', [id])).rows[0]).toEqual({
      status: 'processing',
      claimed_by: 'worker-b',
    });
  });

  it('in one batch, completes and publishes only the held ones', async () => {
    const held = await processingMessage('worker-c');
    const lost = await processingMessage('worker-d');
    const done = await completeMessages(pool, [
      completion(held, 'worker-c', [JSON.stringify({ messageId: held, seq: 0, text: 'mine' })]),
      completion(lost, 'worker-c', [JSON.stringify({ messageId: lost, seq: 0, text: 'not mine' })]),
    ]);
    expect(done).toEqual(new Set([held]));
    await heardAllSoFar();
    expect(about(held).filter((n) => n.channel === DELTA_CHANNEL)).toHaveLength(1);
    expect(about(lost).filter((n) => n.channel === DELTA_CHANNEL)).toHaveLength(0);
  });
});
