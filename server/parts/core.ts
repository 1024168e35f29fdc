/**
 * The core of an instance: the database pool and migrations, its row among the instances, the
 * workers (dispatcher) and the timers that keep their leases, take over abandoned work and tidy
 * up. Each is pushed on the stop stack the moment it exists.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { compileLexicons } from '../../shared/triage/index.js';
import type { Config } from '../config.js';
import { createBatcher } from '../db/batcher.js';
import { deleteIdleConversations } from '../db/conversations.js';
import { deleteExpiredIdempotencyKeys } from '../db/idempotency-keys.js';
import { forgetDeadInstances, heartbeatInstance, registerInstance, removeInstance } from '../db/instances.js';
import { compactMessageTotals } from '../db/message-totals.js';
import { insertMessages, type NewMessage } from '../db/messages.js';
import { migrate } from '../db/migrate.js';
import { createPool, type Pool } from '../db/pool.js';
import { once, type StopStack } from '../lifecycle.js';
import type { Logger } from '../logger.js';
import { MIGRATIONS_DIR } from '../paths.js';
import { MEDICAL_SYSTEM_PROMPT } from '../prompts/medical-system-prompt.js';
import { createProvider } from '../providers/index.js';
import type { LlmProvider } from '../providers/types.js';
import { Dispatcher } from '../queue/dispatcher.js';
import type { SubmitDeps } from '../queue/submit-question.js';
import { type RepeatingTask, repeat } from '../queue/timers.js';
import { createDeltaPublisher, type DeltaPublisher } from '../realtime/delta-publisher.js';
import { Metrics } from '../stats/metrics.js';
import { SecondOpinion } from '../triage/second-opinion.js';

const HOUSEKEEPING_INTERVAL_MS = 60 * 60 * 1000;

export interface CoreOptions {
  config: Config;
  databaseUrl: string;
  logger: Logger;
  /** Replaces the configured provider (tests). */
  provider?: LlmProvider;
}

export interface Core {
  readonly config: Config;
  readonly instanceId: string;
  readonly log: Logger;
  readonly pool: Pool;
  readonly provider: LlmProvider;
  readonly metrics: Metrics;
  readonly dispatcher: Dispatcher;
  /** Where the workers' text goes: this instance's clients, and the bus when another instance asks. */
  readonly deltas: DeltaPublisher;
  readonly secondOpinion: SecondOpinion;
  /** What accepting a question needs (REST and socket alike). */
  readonly submit: SubmitDeps;
  /** An instance counts as dead for statistics once it missed a few heartbeats. */
  readonly instanceStaleAfterMs: number;
  /** The start-up sweep and housekeeping: take back what earlier runs left behind. */
  catchUp(): Promise<void>;
  /** Take no new work; let the work under way finish or go back. Once; the messages given back. */
  drainWork(): Promise<number>;
}

export async function startCore(options: CoreOptions, stack: StopStack): Promise<Core> {
  const { config } = options;
  const instanceId = `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const log = options.logger.child({ instanceId });
  const pool = await openDatabase(options, { instanceId, log }, stack);
  const provider = options.provider ?? createProvider(config.llm);
  prepareTriage(log);
  const metrics = new Metrics();
  // Twice the workers: a second opinion is a short call beside each answer, and questions come in bursts.
  const secondOpinion = new SecondOpinion({
    db: pool,
    provider,
    metrics,
    logger: log,
    settings: { ...config.triageModel, maxInFlight: 2 * config.queue.maxWorkers },
  });
  stack.push('second opinion', () => secondOpinion.close());
  const deltas = createDeltaPublisher({ pool, logger: log });
  const dispatcher = createDispatcher({ config, instanceId, log, pool, provider, metrics, deltas });
  metrics.readFrom({ queueLength: () => dispatcher.queueLength, activeWorkers: () => dispatcher.activeWorkers });
  const instanceStaleAfterMs = config.queue.leaseMs;
  const timers = startTimers({ config, instanceId, log, pool, dispatcher, instanceStaleAfterMs }, stack);
  const leaseMs = config.queue.leaseMs;
  const submit: SubmitDeps = {
    pool,
    dispatcher,
    instanceId,
    leaseMs,
    // Questions arriving together (REST and socket) are written in one statement.
    insert: createBatcher((messages: NewMessage[]) => insertMessages(pool, { messages, instanceId, leaseMs }), {
      maxBatch: 500,
    }),
    questionWritten: secondOpinion.questionWritten,
  };
  const catchUp = async () => {
    await timers.sweeper.runNow();
    await timers.housekeeping.runNow();
  };
  const drainWork = once(async () => {
    await timers.sweeper.stop();
    await timers.housekeeping.stop();
    return timers.stopWorkers();
  });
  return {
    config,
    instanceId,
    log,
    pool,
    provider,
    metrics,
    dispatcher,
    deltas,
    secondOpinion,
    submit,
    instanceStaleAfterMs,
    catchUp,
    drainWork,
  };
}

/** The pool, the schema brought up to date, and this instance's row. */
async function openDatabase(
  options: CoreOptions,
  instance: { instanceId: string; log: Logger },
  stack: StopStack,
): Promise<Pool> {
  const { config } = options;
  const { instanceId, log } = instance;
  const pool = createPool({
    connectionString: options.databaseUrl,
    mode: config.databasePoolMode,
    // Workers, lease/sweep tasks and HTTP requests share it; enough that requests never starve.
    max: Math.min(100, config.queue.maxWorkers + 10),
    idleTimeoutMs: config.queue.idleTimeoutMs,
    applicationName: `medchat ${instanceId}`,
    onError: (error) => log.warn({ err: error }, 'idle database connection failed'),
  });
  stack.push('database pool', () => pool.end());
  const applied = await migrate(pool, MIGRATIONS_DIR);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');
  await registerInstance(pool, { id: instanceId, maxWorkers: config.queue.maxWorkers });
  stack.push('instance row', () => removeInstance(pool, { id: instanceId }));
  return pool;
}

function createDispatcher(deps: {
  config: Config;
  instanceId: string;
  log: Logger;
  pool: Pool;
  provider: LlmProvider;
  metrics: Metrics;
  deltas: DeltaPublisher;
}): Dispatcher {
  const { config, instanceId, log, pool } = deps;
  return new Dispatcher({
    pool,
    provider: deps.provider,
    deltas: deps.deltas,
    observer: deps.metrics,
    logger: log,
    settings: {
      instanceId,
      maxWorkers: config.queue.maxWorkers,
      maxQueueSize: config.queue.maxSize,
      retryDelayMs: config.queue.retryDelayMs,
      maxRetries: config.queue.maxRetries,
      leaseMs: config.queue.leaseMs,
      providerTimeoutMs: config.llm.timeoutMs,
      systemPrompt: MEDICAL_SYSTEM_PROMPT,
      maxContextMessages: config.maxContextMessages,
      maxContextChars: config.maxContextChars,
    },
  });
}

interface TimerDeps {
  config: Config;
  instanceId: string;
  log: Logger;
  pool: Pool;
  dispatcher: Dispatcher;
  instanceStaleAfterMs: number;
}

/**
 * The lease keeper outlives the workers' stop (their messages keep their leases while they
 * finish); the sweeper and housekeeping stop before it (they would hand the workers new work).
 */
function startTimers(
  deps: TimerDeps,
  stack: StopStack,
): { sweeper: RepeatingTask; housekeeping: RepeatingTask; stopWorkers: () => Promise<number> } {
  const { config, instanceId, log, pool, dispatcher } = deps;
  const logError = (what: string) => (error: unknown) => log.warn({ err: error }, `${what} failed`);
  const leaseKeeper = repeat(
    config.queue.leaseMs / 3,
    async () => {
      await dispatcher.renewLeases();
      await heartbeatInstance(pool, { id: instanceId });
    },
    logError('lease renewal'),
  );
  stack.push('lease keeper', () => leaseKeeper.stop());
  const stopWorkers = once(() =>
    dispatcher.stop(config.queue.shutdownGraceMs).catch((error: unknown) => {
      log.warn({ err: error }, 'could not release messages; their leases will expire');
      return 0;
    }),
  );
  stack.push('workers', stopWorkers);
  const sweeper = repeat(
    config.queue.sweepIntervalMs,
    async () => {
      const taken = await dispatcher.sweep();
      if (taken > 0) log.info({ taken }, 'took over abandoned messages');
      await forgetDeadInstances(pool, { staleAfterMs: 10 * deps.instanceStaleAfterMs });
      await compactMessageTotals(pool);
    },
    logError('sweep'),
  );
  stack.push('sweeper', () => sweeper.stop());
  const housekeeping = startHousekeeping(deps, logError('housekeeping'));
  stack.push('housekeeping', () => housekeeping.stop());
  return { sweeper, housekeeping, stopWorkers };
}

/**
 * Hourly and at start-up: expired idempotency keys, and (RETENTION_DAYS > 0) conversations idle
 * for longer than the retention period.
 */
function startHousekeeping(deps: TimerDeps, onError: (error: unknown) => void): RepeatingTask {
  const { config, log, pool } = deps;
  return repeat(
    HOUSEKEEPING_INTERVAL_MS,
    async () => {
      await deleteExpiredIdempotencyKeys(pool);
      if (config.retentionDays > 0) {
        const deleted = await deleteIdleConversations(pool, { olderThanDays: config.retentionDays });
        if (deleted.conversations + deleted.looseMessages > 0)
          log.info(deleted, 'retention: deleted old conversations');
      }
    },
    onError,
  );
}

/** The triage's lexicons are built before the first question, which would otherwise wait for them. */
function prepareTriage(log: Logger): void {
  const started = performance.now();
  compileLexicons();
  log.debug({ ms: Math.round(performance.now() - started) }, 'triage lexicons compiled');
}
