/** Accepting a question, the same for REST and Socket.IO: write it pending, queue it here. */
import { randomUUID } from 'node:crypto';
import { insertMessage } from '../db/messages.js';
import type { Pool } from '../db/pool.js';
import type { Dispatcher } from './dispatcher.js';

export class QueueFullError extends Error {
  override name = 'QueueFullError';
  constructor() {
    super('The queue is full; try again shortly.');
  }
}

export interface SubmitDeps {
  pool: Pool;
  dispatcher: Dispatcher;
  instanceId: string;
  leaseMs: number;
}

/**
 * Returns the new message's id. `beforeInsert` runs with the id before the row exists (a socket
 * subscribes there, so it cannot miss the first event). Throws QueueFullError, writing nothing.
 */
export async function submitQuestion(
  deps: SubmitDeps,
  params: { question: string; beforeInsert?: (messageId: string) => void },
): Promise<string> {
  if (deps.dispatcher.room === 0) throw new QueueFullError();
  const messageId = randomUUID();
  params.beforeInsert?.(messageId);
  await insertMessage(deps.pool, {
    id: messageId,
    question: params.question,
    instanceId: deps.instanceId,
    leaseMs: deps.leaseMs,
  });
  deps.dispatcher.enqueue(messageId);
  return messageId;
}
