/**
 * The in-process worker pool: a p-queue with concurrency MAX_WORKERS in front of PostgreSQL, the
 * durable queue. It claims a message and answers it (answer-message.ts: the model's attempts, then
 * the outcome written). Every message it holds (queued or processing) carries this instance's
 * lease, renewed while the instance lives; anything it drops or dies with is found again by the
 * sweeper, which never takes what this instance still holds.
 */
import PQueue from 'p-queue';
import type { Logger } from 'pino';
import { createBatcher } from '../db/batcher.js';
import { answeredTurnsBefore } from '../db/conversations.js';
import {
  type ClaimedMessage,
  type Completion,
  claimMessages,
  completeMessages,
  releaseMessages,
  renewLeases,
  takeAbandonedMessages,
} from '../db/messages.js';
import type { Pool } from '../db/pool.js';
import type { ChatTurn, LlmProvider } from '../providers/types.js';
import { type AnswerContext, type AnswerObserver, type AnswerSettings, answerMessage } from './answer-message.js';
import { boundContext } from './conversation-context.js';
import { unlessStopped } from './database-retry.js';
import type { DeltaSink } from './delta-sink.js';

export interface DispatcherSettings extends AnswerSettings {
  maxWorkers: number;
  maxQueueSize: number;
  leaseMs: number;
  maxContextMessages: number;
  maxContextChars: number;
}

export interface DispatcherDeps {
  pool: Pool;
  provider: LlmProvider;
  deltas: DeltaSink;
  logger: Logger;
  settings: DispatcherSettings;
  observer?: AnswerObserver;
}

/** A worker kept for a message being written already claimed: see Dispatcher.reserveWorker. */
export interface WorkerReservation {
  /** The message is written, claimed by this instance: answer it. */
  start(claimed: ClaimedMessage): void;
  /** The write failed: free the worker. */
  abandon(): void;
}

export class Dispatcher {
  private readonly queue: PQueue;
  /** Ids this instance holds: queued here or being processed here. */
  private readonly held = new Set<string>();
  private readonly inFlight = new Map<string, AbortController>();
  private stopping = false;
  /** Claims and completions of workers that get there together share one statement. */
  private readonly claim: (id: string) => Promise<ClaimedMessage | null>;
  private readonly answering: AnswerContext;

  constructor(private readonly deps: DispatcherDeps) {
    this.queue = new PQueue({ concurrency: deps.settings.maxWorkers });
    const { pool, settings } = deps;
    this.claim = createBatcher(
      async (ids: string[]) => {
        const claimed = await claimMessages(pool, { ids, instanceId: settings.instanceId, leaseMs: settings.leaseMs });
        const byId = new Map(claimed.map((c) => [c.id, c]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      { maxBatch: 500 },
    );
    const complete = createBatcher(
      async (completions: Completion[]) => {
        const done = await completeMessages(pool, completions);
        return completions.map((c) => done.has(c.id));
      },
      { maxBatch: 500 },
    );
    this.answering = { ...deps, complete };
  }

  /** Messages waiting for a worker here. */
  get queueLength(): number {
    return this.queue.size;
  }

  /** Workers busy here. */
  get activeWorkers(): number {
    return this.queue.pending;
  }

  /** How many more messages the local queue accepts before it is full (QUEUE_MAXSIZE). */
  get room(): number {
    return this.stopping ? 0 : Math.max(0, this.deps.settings.maxQueueSize - this.queue.size);
  }

  heldIds(): string[] {
    return [...this.held];
  }

  /** Queues a message this instance holds the lease of. Ignores one it already has. */
  enqueue(messageId: string): void {
    if (this.stopping || this.held.has(messageId)) return;
    this.run(messageId, () => this.process(messageId));
  }

  /**
   * A worker that is free right now, kept for a message about to be written already claimed by
   * this instance (NewMessage.claimed): it starts on the message as soon as the write is done,
   * with no separate claim. Null when every worker is busy or others are waiting (then write the
   * message pending and enqueue it). The caller must settle the reservation either way.
   *
   * The first question of a conversation is all the model needs, so its call starts now, while
   * the row is being written: the answer's text is published, and its outcome written, only once
   * the row exists, and the call is aborted if the write fails. A follow-up waits for the write:
   * its earlier turns are read from the table.
   */
  reserveWorker(message: { id: string; question: string; continuesConversation: boolean }): WorkerReservation | null {
    const messageId = message.id;
    const busy = this.queue.size > 0 || this.queue.pending >= this.deps.settings.maxWorkers;
    if (this.stopping || busy || this.held.has(messageId)) return null;
    let settle: (claimed: ClaimedMessage | null) => void = () => undefined;
    const written = new Promise<ClaimedMessage | null>((resolve) => {
      settle = resolve;
    });
    // Abortable from now: a cancel or a stop while the row is being written must not be missed.
    const controller = new AbortController();
    this.inFlight.set(messageId, controller);
    // p-queue starts the job synchronously when a slot is free, so the slot is taken from here.
    this.run(messageId, async () => {
      if (message.continuesConversation) {
        const claimed = await written;
        if (claimed) await this.work(claimed, controller);
        else this.inFlight.delete(messageId);
        return;
      }
      const isWritten = written.then((claimed) => {
        if (!claimed) controller.abort();
        return claimed !== null;
      });
      const unwritten: ClaimedMessage = {
        id: messageId,
        question: message.question,
        attempts: 1,
        retries: 0,
        // Not known before the write, and not needed: there are no earlier turns to read.
        conversationId: null,
        createdAt: new Date(),
        hasEarlierTurns: false,
      };
      try {
        await this.work(unwritten, controller, isWritten);
      } finally {
        // stop() releases what this instance holds once the queue is idle: not before the row is.
        await written;
      }
    });
    return { start: (claimed) => settle(claimed), abandon: () => settle(null) };
  }

  private run(messageId: string, job: () => Promise<void>): void {
    this.held.add(messageId);
    this.queue
      .add(job)
      .catch((error: unknown) => this.deps.logger.error({ err: error, messageId }, 'worker crashed'))
      .finally(() => this.held.delete(messageId));
  }

  /**
   * Stops work on a message at once (it was cancelled): a running provider call is aborted and
   * nothing more is written by this worker. Harmless for a message this instance does not hold.
   */
  abort(messageId: string): void {
    this.inFlight.get(messageId)?.abort();
  }

  /**
   * Takes abandoned messages (expired or no lease) from the database, as many as fit. Renews this
   * instance's own leases first, and never takes a message it holds: after a database outage
   * their leases have expired while their workers still run.
   */
  async sweep(): Promise<number> {
    await this.renewLeases();
    const limit = this.room;
    if (limit === 0) return 0;
    const { pool, settings } = this.deps;
    const ids = await takeAbandonedMessages(pool, {
      instanceId: settings.instanceId,
      leaseMs: settings.leaseMs,
      limit,
      exceptIds: this.heldIds(),
    });
    for (const id of ids) this.enqueue(id);
    return ids.length;
  }

  async renewLeases(): Promise<void> {
    const { pool, settings } = this.deps;
    await renewLeases(pool, { instanceId: settings.instanceId, ids: this.heldIds(), leaseMs: settings.leaseMs });
  }

  /**
   * Graceful stop: take nothing new, let running messages finish for up to `graceMs`, abort the
   * rest, and give everything still held back to the database as pending.
   */
  async stop(graceMs: number): Promise<number> {
    this.stopping = true;
    this.queue.clear();
    const idle = this.queue.onIdle();
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([idle, graceOver]);
    clearTimeout(timer);
    for (const controller of this.inFlight.values()) controller.abort();
    await idle;
    const { pool, settings } = this.deps;
    return releaseMessages(pool, { instanceId: settings.instanceId });
  }

  /** Claims a message queued here, waiting out a database that is away, and answers it. */
  private async process(messageId: string): Promise<void> {
    const controller = new AbortController();
    this.inFlight.set(messageId, controller);
    try {
      const claimed = await unlessStopped(controller.signal, () => this.claim(messageId));
      if (claimed) await this.work(claimed, controller); // null: another worker has it, or it is finished
    } finally {
      this.inFlight.delete(messageId);
    }
  }

  /**
   * Answers a message this worker has claimed, unless the instance is stopping (stop() gives it
   * back as pending) or it was cancelled or aborted since (nothing to do).
   */
  private async work(
    claimed: ClaimedMessage,
    controller = new AbortController(),
    /** Set while the row may still be being written: resolves with whether it was. */
    isWritten?: Promise<boolean>,
  ): Promise<void> {
    this.inFlight.set(claimed.id, controller);
    try {
      if (this.stopping || controller.signal.aborted) return;
      const { signal } = controller;
      const turns = await unlessStopped(signal, () => this.conversationTurns(claimed));
      if (!turns) return;
      const { attempts: attempt, retries } = claimed;
      await answerMessage(this.answering, { id: claimed.id, turns, attempt, retries, signal, isWritten });
    } finally {
      this.inFlight.delete(claimed.id);
    }
  }

  /** The earlier questions and answers of the conversation (bounded), then this question. */
  private async conversationTurns(claimed: ClaimedMessage): Promise<ChatTurn[]> {
    const { pool, settings } = this.deps;
    const question: ChatTurn = { role: 'user', content: claimed.question };
    if (!claimed.conversationId || !claimed.hasEarlierTurns || settings.maxContextMessages === 0) return [question];
    const earlier = await answeredTurnsBefore(pool, {
      conversationId: claimed.conversationId,
      before: claimed.createdAt,
      limit: settings.maxContextMessages,
    });
    return [...boundContext(earlier, settings.maxContextChars), question];
  }
}
