/**
 * Accepting a question, the same for REST and Socket.IO: triage it for emergencies, write it pending
 * in its conversation (one transaction, with its Idempotency-Key if any), and queue it here.
 */
import { createHash, randomUUID } from 'node:crypto';
import { triage } from '../../shared/triage/index.js';
import { claimIdempotencyKey, findIdempotencyKey } from '../db/idempotency-keys.js';
import { getMessage, type InsertedMessage, insertMessage, type NewMessage } from '../db/messages.js';
import type { Pool } from '../db/pool.js';
import { inTransaction } from '../db/transaction.js';
import type { Dispatcher } from './dispatcher.js';

export class QueueFullError extends Error {
  override name = 'QueueFullError';
  constructor() {
    super('The queue is full; try again shortly.');
  }
}

export class ConversationNotFoundError extends Error {
  override name = 'ConversationNotFoundError';
  constructor() {
    super('No conversation with that id.');
  }
}

/** The Idempotency-Key was first used with a different question or conversation. */
export class IdempotencyKeyReusedError extends Error {
  override name = 'IdempotencyKeyReusedError';
  constructor() {
    super('This Idempotency-Key was already used for a different request; use a new key for a new question.');
  }
}

/** Inside the transaction: a concurrent request with the same key committed first. */
class IdempotencyKeyTakenError extends Error {}

export interface SubmitDeps {
  pool: Pool;
  dispatcher: Dispatcher;
  instanceId: string;
  leaseMs: number;
  /** Writes one message (batched with others arriving together); null when its conversation does not exist. */
  insert: (message: NewMessage) => Promise<InsertedMessage | null>;
  /** Told of each question written: the triage's second opinion (server/triage), beside the answer. */
  questionWritten?: (message: { id: string; question: string; urgent: boolean }) => void;
}

export interface SubmitRequest {
  question: string;
  /** Continue this conversation; without it a new one starts. */
  conversationId?: string | undefined;
  /** Same key within 24 h → the same message, nothing new written. */
  idempotencyKey?: string | undefined;
  /** Runs with the id before the row exists (a socket subscribes there, so it misses nothing). */
  beforeInsert?: (messageId: string) => void | Promise<void>;
}

export interface SubmittedMessage {
  messageId: string;
  conversationId: string;
  urgent?: true;
  urgentAdvice?: string;
  /** True when an earlier request with the same Idempotency-Key created it. */
  replayed: boolean;
}

/** Throws QueueFullError, ConversationNotFoundError or IdempotencyKeyReusedError, writing nothing. */
export async function submitQuestion(deps: SubmitDeps, request: SubmitRequest): Promise<SubmittedMessage> {
  const { pool } = deps;
  if (request.idempotencyKey) {
    const existing = await replayOf(pool, request);
    if (existing) return existing;
  }
  if (deps.dispatcher.room === 0) throw new QueueFullError();

  const messageId = randomUUID();
  const triaged = triage(request.question);
  const urgentAdvice = triaged.urgent ? (triaged.advice ?? null) : null;
  await request.beforeInsert?.(messageId);
  // An idle worker here takes the message in the statement that writes it: no separate claim.
  const worker = deps.dispatcher.reserveWorker({
    id: messageId,
    question: request.question,
    continuesConversation: request.conversationId !== undefined,
  });
  const message: NewMessage = {
    id: messageId,
    question: request.question,
    conversationId: request.conversationId ?? null,
    urgentAdvice,
    claimed: worker !== null,
  };
  let inserted: InsertedMessage;
  try {
    inserted = await insertInConversation(pool, deps, request, message);
  } catch (error) {
    worker?.abandon();
    if (!(error instanceof IdempotencyKeyTakenError) || !request.idempotencyKey) throw error;
    const existing = await replayOf(pool, request);
    if (!existing) throw new Error('An idempotency key vanished while it was being used.', { cause: error });
    return existing;
  }
  const { conversationId, createdAt } = inserted;
  if (worker) {
    worker.start({
      id: messageId,
      question: request.question,
      attempts: 1,
      retries: 0,
      conversationId,
      createdAt,
      hasEarlierTurns: request.conversationId !== undefined,
    });
  } else {
    deps.dispatcher.enqueue(messageId);
  }
  deps.questionWritten?.({ id: messageId, question: request.question, urgent: urgentAdvice !== null });
  return {
    messageId,
    conversationId,
    ...(urgentAdvice !== null ? { urgent: true as const, urgentAdvice } : {}),
    replayed: false,
  };
}

/**
 * Writes the message (and its conversation) in one statement; with an Idempotency-Key, in one
 * transaction with the key, so that of two racing requests with one key only one message stays.
 */
async function insertInConversation(
  pool: Pool,
  deps: SubmitDeps,
  request: SubmitRequest,
  message: NewMessage,
): Promise<InsertedMessage> {
  const found = (inserted: InsertedMessage | null) => {
    if (!inserted) throw new ConversationNotFoundError();
    return inserted;
  };
  const key = request.idempotencyKey;
  if (!key) return found(await deps.insert(message));
  return inTransaction(pool, async (client) => {
    const inserted = found(
      await insertMessage(client, { ...message, instanceId: deps.instanceId, leaseMs: deps.leaseMs }),
    );
    const fingerprint = fingerprintOf(request);
    const messageId = message.id;
    if (!(await claimIdempotencyKey(client, { key, messageId, fingerprint }))) throw new IdempotencyKeyTakenError();
    return inserted;
  });
}

/** What makes two requests "the same" for an Idempotency-Key: the question and the conversation. */
function fingerprintOf(request: SubmitRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([request.question, request.conversationId ?? null]))
    .digest('base64url');
}

/** The message an earlier request with this key created; throws if that request was a different one. */
async function replayOf(pool: Pool, request: SubmitRequest): Promise<SubmittedMessage | null> {
  const record = await findIdempotencyKey(pool, { key: request.idempotencyKey as string });
  if (!record) return null;
  if (record.fingerprint !== null && record.fingerprint !== fingerprintOf(request)) {
    throw new IdempotencyKeyReusedError();
  }
  const { messageId } = record;
  const row = await getMessage(pool, messageId);
  if (!row?.conversationId) return null;
  return {
    messageId,
    conversationId: row.conversationId,
    ...(row.urgent ? { urgent: true as const, urgentAdvice: row.urgentAdvice ?? '' } : {}),
    replayed: true,
  };
}
