/**
 * Answers one claimed message: calls the model until it answers, its failure is final, or the
 * retries are used up, then stores the outcome. Storing is not part of the call: a database that
 * is away is waited for with the answer kept, never taken for the model's failure, and only the
 * model's retryable failures count as retries.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { type Completion, failMessage, recordRetry } from '../db/messages.js';
import type { Pool } from '../db/pool.js';
import type { ChatTurn, CompletionResult, LlmProvider, ProviderError } from '../providers/types.js';
import { retryDelayMs } from './backoff.js';
import { unlessStopped } from './database-retry.js';
import type { DeltaSink } from './delta-sink.js';
import { callProvider } from './provider-call.js';

export interface AnswerSettings {
  instanceId: string;
  retryDelayMs: number;
  maxRetries: number;
  providerTimeoutMs: number;
  systemPrompt: string;
}

/** Hooks for metrics: every provider call (attempt) and every retry. */
export interface AnswerObserver {
  providerCall(provider: string, outcome: 'success' | 'retryable_error' | 'error' | 'aborted', seconds: number): void;
  retry(provider: string): void;
}

export interface AnswerContext {
  pool: Pool;
  provider: LlmProvider;
  deltas: DeltaSink;
  logger: Logger;
  settings: AnswerSettings;
  observer?: AnswerObserver | undefined;
  /** Writes an answer; false when this instance no longer holds the message. */
  complete: (completion: Completion) => Promise<boolean>;
}

export interface AnswerJob {
  id: string;
  turns: ChatTurn[];
  attempt: number;
  retries: number;
  /** Aborts when the instance stops or the message is cancelled: nothing more is written. */
  signal: AbortSignal;
  /** Set while the row may still be being written: resolves with whether it was. */
  isWritten?: Promise<boolean> | undefined;
}

/** The failure of a message whose answer the database refused (not the model's failure). */
export const STORE_FAILED = 'The answer could not be stored.';

type Attempt =
  | { kind: 'answered'; result: CompletionResult; finalDeltas: string[]; started: number }
  | { kind: 'failed'; failure: ProviderError; provider: { name: string; model: string } }
  | { kind: 'aborted' };

export async function answerMessage(context: AnswerContext, job: AnswerJob): Promise<void> {
  let current = job;
  for (;;) {
    if (current.signal.aborted) return; // stopping, cancelled, or (not yet written) the write failed
    const outcome = await attempt(context, current);
    if (outcome.kind === 'aborted') return;
    if (current.isWritten && !(await current.isWritten)) return;
    if (outcome.kind === 'answered') return storeAnswer(context, current, outcome);
    const { failure, provider } = outcome;
    if (!failure.retryable || current.retries >= context.settings.maxRetries) {
      await storeFailure(context, current, { error: failure.message, provider: provider.name, model: provider.model });
      return;
    }
    const next = await retryLater(context, current, failure, provider.name);
    if (next === undefined) return;
    current = { ...current, attempt: next, retries: current.retries + 1, isWritten: undefined };
  }
}

/** One call of the model, its text streamed to the delta sink. */
async function attempt(context: AnswerContext, job: AnswerJob): Promise<Attempt> {
  const { provider, settings, observer, logger } = context;
  const deltas = context.deltas.open({ messageId: job.id, attempt: job.attempt, after: job.isWritten });
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  let result: CompletionResult;
  try {
    result = await callProvider({
      provider,
      system: settings.systemPrompt,
      turns: job.turns,
      timeoutMs: settings.providerTimeoutMs,
      signal: job.signal,
      onText: (text) => deltas.push(text),
    });
  } catch (error) {
    await deltas.end();
    if (job.signal.aborted) {
      // Shutting down (the message is released as pending) or cancelled (already failed).
      observer?.providerCall(provider.name, 'aborted', seconds());
      return { kind: 'aborted' };
    }
    const failure = error as ProviderError;
    const failed = failure.failedProvider ?? { name: provider.name, model: provider.model };
    observer?.providerCall(failed.name, failure.retryable ? 'retryable_error' : 'error', seconds());
    const { retryable, status } = failure;
    logger.warn(
      { messageId: job.id, attempt: job.attempt, retryable, status, err: failure.cause ?? failure },
      'provider call failed',
    );
    return { kind: 'failed', failure, provider: failed };
  }
  const finalDeltas = await deltas.takeRest();
  observer?.providerCall(result.provider, 'success', seconds());
  return { kind: 'answered', result, finalDeltas, started };
}

/**
 * Writes the answer, waiting out a database that is away while the lease keeper renews the
 * lease. Ends when it is written, the message is lost to another instance, or the worker stops.
 */
async function storeAnswer(
  context: AnswerContext,
  job: AnswerJob,
  answered: Extract<Attempt, { kind: 'answered' }>,
): Promise<void> {
  const { logger, settings } = context;
  const { result } = answered;
  const completion: Completion = {
    id: job.id,
    instanceId: settings.instanceId,
    response: result.text,
    provider: result.provider,
    model: result.model,
    promptTokens: result.usage.promptTokens,
    completionTokens: result.usage.completionTokens,
    finalDeltas: answered.finalDeltas,
  };
  let completed: boolean | undefined;
  try {
    completed = await untilStopped(context, job, 'answer', () => context.complete(completion));
  } catch (error) {
    // The statement itself failed: say so, and do not ask the model again.
    logger.error({ err: error, messageId: job.id }, 'could not store the answer');
    await storeFailure(context, job, { error: STORE_FAILED, provider: result.provider, model: result.model });
    return;
  }
  if (completed === undefined) return;
  const ms = Math.round(performance.now() - answered.started);
  logger.info(
    { messageId: job.id, attempt: job.attempt, provider: result.provider, ms, completed },
    completed ? 'message answered' : 'message answered, but no longer held here (cancelled or taken over)',
  );
}

async function storeFailure(
  context: AnswerContext,
  job: AnswerJob,
  failure: { error: string; provider: string; model: string },
): Promise<void> {
  const { pool, settings } = context;
  await untilStopped(context, job, 'failure', () =>
    failMessage(pool, { id: job.id, instanceId: settings.instanceId, ...failure }),
  );
}

/** Waits the backoff, then counts the retry. The next attempt's number, or undefined when stopped or lost. */
async function retryLater(
  context: AnswerContext,
  job: AnswerJob,
  failure: ProviderError,
  provider: string,
): Promise<number | undefined> {
  const { pool, settings } = context;
  const delay = retryDelayMs({
    retry: job.retries + 1,
    baseMs: settings.retryDelayMs,
    retryAfterMs: failure.retryAfterMs,
  });
  try {
    await sleep(delay, undefined, { signal: job.signal });
  } catch {
    return undefined; // aborted while waiting
  }
  const next = await untilStopped(context, job, 'retry', () =>
    recordRetry(pool, { id: job.id, instanceId: settings.instanceId }),
  );
  if (next === null || next === undefined) return undefined; // lost the message (lease expired and taken elsewhere)
  context.observer?.retry(provider);
  return next;
}

/**
 * A write of this worker, retried while the database is away. Undefined when the worker was
 * stopped first (the instance stops, or the message was cancelled); other errors propagate.
 */
async function untilStopped<T>(
  context: AnswerContext,
  job: AnswerJob,
  what: string,
  statement: () => Promise<T>,
): Promise<T | undefined> {
  const messageId = job.id;
  let told = false;
  const result = await unlessStopped(job.signal, statement, (error) => {
    if (!told) context.logger.warn({ err: error, messageId }, `database away: the ${what} waits until it is back`);
    told = true;
  });
  if (result === undefined) context.logger.warn({ messageId }, `the ${what} was not stored: the worker was stopped`);
  return result;
}
