/**
 * The statistics' running totals (db/005_message_totals.sql) against the truth: after any mix of
 * writes, folded or not, by one connection or several at once, they equal what a scan of every
 * message says; deleting messages (retention) keeps their counts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactMessageTotals, readMessageTotals } from '../../server/db/message-totals.js';
import {
  cancelMessage,
  claimMessages,
  completeMessages,
  failMessage,
  insertMessages,
  recordRetry,
  releaseMessages,
} from '../../server/db/messages.js';
import type { Pool } from '../../server/db/pool.js';
import { createTestDatabase, migratedPool, type TestDatabase } from '../helpers/database.js';

let db: TestDatabase;
let pool: Pool;
const instanceId = 'stats-test';
const leaseMs = 30_000;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = await migratedPool(db, { max: 8, applicationName: 'stats test' });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

/** The totals the old way: a scan of every message. */
async function scanTotals() {
  const { rows } = await pool.query(
    `SELECT count(*) FILTER (WHERE status = 'completed')::float8 AS succeeded,
            count(*) FILTER (WHERE status = 'failed')::float8 AS failed,
            count(*) FILTER (WHERE status = 'failed' AND cancelled)::float8 AS cancelled,
            coalesce(sum(retries), 0)::float8 AS "totalRetries",
            coalesce(avg(processing_time_ms) FILTER (WHERE status = 'completed'), 0)::float8 AS "averageProcessingTimeMs",
            coalesce(avg(prompt_tokens + completion_tokens) FILTER (WHERE status = 'completed'), 0)::float8
              AS "averageTokensPerMessage",
            coalesce(sum(coalesce(prompt_tokens, 0) + coalesce(completion_tokens, 0)), 0)::float8 AS "totalTokensUsed"
       FROM messages`,
  );
  return rows[0];
}

const closeTo = (expected: Record<string, number>) =>
  Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, expect.closeTo(v, 6)]));

async function newMessages(n: number): Promise<string[]> {
  const messages = Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    question: `question ${i}`,
    conversationId: null,
    urgentAdvice: null,
  }));
  await insertMessages(pool, { messages, instanceId, leaseMs });
  return messages.map((m) => m.id);
}

const completion = (id: string, tokens: number) => ({
  id,
  instanceId,
  response: `answer ${id}`,
  provider: 'mock',
  model: 'mock-1',
  promptTokens: tokens,
  completionTokens: 2 * tokens,
});

/** One round of everything the service writes: batches, single rows, retries, failures, cancels. */
async function workload(round: number): Promise<void> {
  const ids = await newMessages(12);
  await claimMessages(pool, { ids: ids.slice(0, 10), instanceId, leaseMs });
  await recordRetry(pool, { id: ids[0] as string, instanceId });
  await recordRetry(pool, { id: ids[0] as string, instanceId });
  await recordRetry(pool, { id: ids[1] as string, instanceId });
  await completeMessages(pool, [completion(ids[0] as string, 10 + round), completion(ids[1] as string, 7)]);
  await completeMessages(
    pool,
    ids.slice(2, 6).map((id, i) => completion(id, i + round)),
  );
  await failMessage(pool, { id: ids[6] as string, instanceId, error: 'gave up', provider: 'mock', model: 'mock-1' });
  await cancelMessage(pool, { id: ids[7] as string }); // processing
  await cancelMessage(pool, { id: ids[10] as string }); // pending
  await cancelMessage(pool, { id: ids[7] as string }); // already finished: no change
  // A finished message that an operator edits by hand still counts right.
  await pool.query(`UPDATE messages SET completion_tokens = completion_tokens + 5 WHERE id = $1`, [ids[2]]);
  // ids[8], ids[9] stay processing and ids[11] pending; a release puts them back.
  if (round % 2 === 0) await releaseMessages(pool, { instanceId });
}

describe('running totals of the statistics', () => {
  it('equal a scan of every message after mixed writes, folded or not', async () => {
    for (let round = 0; round < 6; round++) {
      await workload(round);
      expect(await readMessageTotals(pool)).toEqual(closeTo(await scanTotals()));
      if (round % 3 === 2) await compactMessageTotals(pool);
    }
    expect((await scanTotals()).succeeded).toBe(36);
    expect((await scanTotals()).totalRetries).toBe(18);
  });

  it('stay right while several connections write and compact at once', async () => {
    await Promise.all([
      ...Array.from({ length: 6 }, (_, round) => workload(round)),
      ...Array.from({ length: 6 }, () => compactMessageTotals(pool)),
    ]);
    expect(await readMessageTotals(pool)).toEqual(closeTo(await scanTotals()));
    await Promise.all([compactMessageTotals(pool), compactMessageTotals(pool), compactMessageTotals(pool)]);
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM message_totals');
    expect(rows[0]?.n).toBe(1);
    expect(await readMessageTotals(pool)).toEqual(closeTo(await scanTotals()));
  });

  it('write nothing for claims, lease renewals and releases', async () => {
    await compactMessageTotals(pool);
    const ids = await newMessages(5);
    const rowsAfterInsert = (await pool.query('SELECT count(*)::int AS n FROM message_totals')).rows[0]?.n;
    await claimMessages(pool, { ids, instanceId, leaseMs });
    await pool.query(`UPDATE messages SET lease_expires_at = now() + interval '1 minute' WHERE id = ANY($1)`, [ids]);
    await releaseMessages(pool, { instanceId });
    expect((await pool.query('SELECT count(*)::int AS n FROM message_totals')).rows[0]?.n).toBe(rowsAfterInsert);
  });

  it('keep the counts of deleted messages (retention deletes texts, not history)', async () => {
    const before = await readMessageTotals(pool);
    const ids = await newMessages(3);
    await claimMessages(pool, { ids, instanceId, leaseMs });
    await completeMessages(
      pool,
      ids.map((id) => completion(id, 100)),
    );
    const after = await readMessageTotals(pool);
    expect(after.succeeded).toBe(before.succeeded + 3);
    await pool.query('DELETE FROM messages WHERE id = ANY($1)', [ids]);
    expect(await readMessageTotals(pool)).toEqual(after);
  });
});
