/**
 * One message through the database with the service's SQL (insert, claim, complete, one
 * statement per transaction, with their triggers), for the benchmarks' database floors. As a
 * plain client would run it: three round trips, each statement parsed and planned anew. Writing
 * a message already claimed and preparing the hot statements are the service's optimisations
 * (issue 8 counts them fair), not the database's floor.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { claimMessage, completeMessage, insertMessage } from '../../server/db/messages.js';
import type { Pool } from '../../server/db/pool.js';
import type { Queryable } from '../../server/db/queryable.js';

const INSTANCE_ID = 'bench-floor';
const LEASE_MS = 30_000;
const ANSWER = 'A fever is the body’s normal response to an infection, most often a viral one…';

/** Returns the message's id; resolves when its completion is committed. */
export async function messageThroughDatabase(pool: Pool, question: string): Promise<string> {
  const db = unprepared(pool);
  const id = randomUUID();
  const lease = { instanceId: INSTANCE_ID, leaseMs: LEASE_MS };
  await insertMessage(db, { id, question, conversationId: null, urgentAdvice: null, ...lease });
  await claimMessage(db, { id, ...lease });
  await complete(db, id);
  return id;
}

/**
 * The statements the service itself runs for a message an idle worker takes (written already
 * claimed, then completed; prepared), with nothing else: no HTTP, no queue, no provider, no
 * socket. What is left of a latency once everything but the database is taken away.
 */
export async function claimedMessageThroughDatabase(pool: Pool, question: string): Promise<string> {
  const id = randomUUID();
  const lease = { instanceId: INSTANCE_ID, leaseMs: LEASE_MS };
  await insertMessage(pool, { id, question, conversationId: null, urgentAdvice: null, claimed: true, ...lease });
  await complete(pool, id);
  return id;
}

async function complete(db: Queryable, id: string): Promise<void> {
  await completeMessage(db, {
    id,
    instanceId: INSTANCE_ID,
    response: ANSWER,
    provider: 'mock',
    model: 'mock-medical-1',
    promptTokens: 300,
    completionTokens: 200,
    // As the service does: the answer's last text goes out with the completing statement.
    finalDeltas: [JSON.stringify({ messageId: id, seq: 0, text: ANSWER, attempt: 1 })],
  });
}

/** The pool with statement names dropped, so that nothing is prepared. */
function unprepared(pool: Pool): Queryable {
  const query = (config: string | pg.QueryConfig, values?: unknown[]) =>
    typeof config === 'string' ? pool.query(config, values) : pool.query({ text: config.text, values: config.values });
  return { query: query as Queryable['query'] };
}
