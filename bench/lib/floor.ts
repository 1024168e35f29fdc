/**
 * One message through the database exactly as the service writes it (insert, claim, complete,
 * one statement per transaction, with their triggers), for the benchmarks' database floors.
 */
import { randomUUID } from 'node:crypto';
import { claimMessage, completeMessage, insertMessage } from '../../server/db/messages.js';
import type { Pool } from '../../server/db/pool.js';

const INSTANCE_ID = 'bench-floor';
const LEASE_MS = 30_000;
const ANSWER = 'A fever is the body’s normal response to an infection, most often a viral one…';

/** Returns the message's id; resolves when its completion is committed. */
export async function messageThroughDatabase(db: Pool, question: string): Promise<string> {
  const id = randomUUID();
  const lease = { instanceId: INSTANCE_ID, leaseMs: LEASE_MS };
  await insertMessage(db, { id, question, conversationId: null, urgentAdvice: null, ...lease });
  await claimMessage(db, { id, ...lease });
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
  return id;
}
