/**
 * One MedChat instance: database pool and migrations, the worker pool, its background tasks, and
 * the HTTP server. main.ts adds process concerns (config, embedded database, signals).
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import type { Config } from './config.js';
import { createBatcher } from './db/batcher.js';
import { deleteIdleConversations } from './db/conversations.js';
import { deleteExpiredIdempotencyKeys } from './db/idempotency-keys.js';
import { forgetDeadInstances, heartbeatInstance, registerInstance, removeInstance } from './db/instances.js';
import { compactMessageTotals } from './db/message-totals.js';
import { insertMessages, type NewMessage } from './db/messages.js';
import { migrate } from './db/migrate.js';
import { createPool, type Pool } from './db/pool.js';
import { createApp } from './http/app.js';
import { clientAddressResolver } from './http/client-address.js';
import { FinishedMessageCache } from './http/finished-messages.js';
import { createHttpServer } from './http/http-server.js';
import { createQuestionRateLimiter } from './http/rate-limit.js';
import type { Logger } from './logger.js';
import { CLIENT_DIST_DIR, MIGRATIONS_DIR } from './paths.js';
import { MEDICAL_SYSTEM_PROMPT } from './prompts/medical-system-prompt.js';
import { createProvider } from './providers/index.js';
import type { LlmProvider } from './providers/types.js';
import { Dispatcher } from './queue/dispatcher.js';
import type { SubmitDeps } from './queue/submit-question.js';
import { repeat } from './queue/timers.js';
import { createDeltaPublisher } from './realtime/delta-publisher.js';
import { startNotifyListener } from './realtime/notify-listener.js';
import { PartialAnswers } from './realtime/partial-answers.js';
import { Relay } from './realtime/relay.js';
import { attachSocketServer, type SocketServer } from './realtime/socket-server.js';
import { SseHub, sseRoutes } from './realtime/sse.js';
import { StatsBroadcaster } from './realtime/stats-broadcaster.js';
import { Metrics } from './stats/metrics.js';
import { SecondOpinion } from './triage/second-opinion.js';

const HOUSEKEEPING_INTERVAL_MS = 60 * 60 * 1000;

export interface ServiceOptions {
  config: Config;
  databaseUrl: string;
  logger: Logger;
  /** Replaces the configured provider (tests). */
  provider?: LlmProvider;
  clientDir?: string;
}

export interface Service {
  readonly instanceId: string;
  readonly url: string;
  readonly port: number;
  readonly pool: Pool;
  readonly dispatcher: Dispatcher;
  readonly httpServer: http.Server;
  readonly sockets: SocketServer;
  /** Graceful stop: refuse new work, finish or release in-flight work, close everything. */
  close(): Promise<void>;
}

export async function startService(options: ServiceOptions): Promise<Service> {
  const { config, logger } = options;
  const instanceId = `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const log = logger.child({ instanceId });
  const pool = createPool({
    connectionString: options.databaseUrl,
    mode: config.databasePoolMode,
    // Workers, lease/sweep tasks and HTTP requests share it; enough that requests never starve.
    max: Math.min(100, config.queue.maxWorkers + 10),
    idleTimeoutMs: config.queue.idleTimeoutMs,
    applicationName: `medchat ${instanceId}`,
    onError: (error) => log.warn({ err: error }, 'idle database connection failed'),
  });

  const applied = await migrate(pool, MIGRATIONS_DIR);
  if (applied.length > 0) log.info({ applied }, 'migrations applied');
  await registerInstance(pool, { id: instanceId, maxWorkers: config.queue.maxWorkers });

  const provider = options.provider ?? createProvider(config.llm);
  // Sources are read at scrape time; `sockets` is assigned below, before the server listens.
  const metrics: Metrics = new Metrics({
    queueLength: () => dispatcher.queueLength,
    activeWorkers: () => dispatcher.activeWorkers,
    socketConnections: (namespace) => sockets.io.of(namespace).sockets.size,
  });
  const dispatcher: Dispatcher = new Dispatcher({
    pool,
    provider,
    deltas: createDeltaPublisher({ pool, logger: log }),
    observer: metrics,
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

  // An instance counts as dead for statistics once it missed a few heartbeats.
  const instanceStaleAfterMs = config.queue.leaseMs;
  const logError = (what: string) => (error: unknown) => log.warn({ err: error }, `${what} failed`);
  const leaseKeeper = repeat(
    config.queue.leaseMs / 3,
    async () => {
      await dispatcher.renewLeases();
      await heartbeatInstance(pool, { id: instanceId });
    },
    logError('lease renewal'),
  );
  const sweeper = repeat(
    config.queue.sweepIntervalMs,
    async () => {
      const taken = await dispatcher.sweep();
      if (taken > 0) log.info({ taken }, 'took over abandoned messages');
      await forgetDeadInstances(pool, { staleAfterMs: 10 * instanceStaleAfterMs });
      await compactMessageTotals(pool);
    },
    logError('sweep'),
  );

  // Realtime: the listener hears every instance's changes; the relay hands them to our clients.
  const relay = new Relay(pool, log, (sentAt) => metrics.relayed('message_status', sentAt));
  const stats = new StatsBroadcaster({ pool, logger: log, instanceStaleAfterMs });
  relay.onChange(() => stats.markChanged());
  // The text so far of every message being answered anywhere, for clients joining mid-answer.
  const partialAnswers = new PartialAnswers();
  relay.addTarget(partialAnswers.relayTarget);
  relay.onReconnected(() => partialAnswers.clear());
  const sseHub = new SseHub();
  relay.addTarget(sseHub);
  const finished = new FinishedMessageCache();
  relay.addTarget(finished.relayTarget);
  relay.onMessagesDeleted(() => finished.clear());
  // A message cancelled through any instance stops the worker answering it, wherever it runs.
  relay.addTarget({
    status: (event) => {
      if (event.cancelled) dispatcher.abort(event.messageId);
    },
    delta: () => undefined,
    watchedMessageIds: () => [],
  });
  stats.addAudience(sseHub.statsAudience);
  const listener = await startNotifyListener({
    // LISTEN holds its session: it must reach PostgreSQL directly, never through a transaction pooler.
    databaseUrl: config.listenDatabaseUrl ?? options.databaseUrl,
    logger: log,
    handlers: relay.handlers,
  });

  // Housekeeping, hourly and at start-up: expired idempotency keys, and (RETENTION_DAYS > 0)
  // conversations idle for longer than the retention period.
  const housekeeping = repeat(
    HOUSEKEEPING_INTERVAL_MS,
    async () => {
      await deleteExpiredIdempotencyKeys(pool);
      if (config.retentionDays > 0) {
        const deleted = await deleteIdleConversations(pool, { olderThanDays: config.retentionDays });
        if (deleted.conversations + deleted.looseMessages > 0)
          log.info(deleted, 'retention: deleted old conversations');
      }
    },
    logError('housekeeping'),
  );

  // Twice the workers: a second opinion is a short call beside each answer, and questions come in bursts.
  const secondOpinion = new SecondOpinion({
    db: pool,
    provider,
    metrics,
    logger: log,
    settings: { ...config.triageModel, maxInFlight: 2 * config.queue.maxWorkers },
  });

  let draining = false;
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
  const rateLimiter = createQuestionRateLimiter(config.security.rateLimitPerMinute);
  const tokens = { apiToken: config.security.apiToken, monitorToken: config.security.monitorToken };
  const app = createApp({
    pool,
    dispatcher,
    logger: log,
    submit,
    maxQuestionChars: config.maxQuestionChars,
    instanceStaleAfterMs,
    isDraining: () => draining,
    metrics,
    tokens,
    rateLimiter,
    finished,
    trustProxy: config.security.trustProxy,
    corsOrigins: config.security.corsOrigins,
    clientDir: options.clientDir ?? CLIENT_DIST_DIR,
    extraRoutes: [sseRoutes({ pool, hub: sseHub, stats, partialAnswers })],
  });
  const clientAddress = clientAddressResolver(config.security.trustProxy);
  const httpServer = createHttpServer(app);
  const sockets = attachSocketServer({
    httpServer,
    pool,
    submit,
    stats,
    maxQuestionChars: config.maxQuestionChars,
    logger: log,
    tokens,
    rateLimiter,
    clientAddress,
    corsOrigins: config.security.corsOrigins,
    partialAnswers,
  });
  relay.addTarget(sockets);
  stats.addAudience(sockets.monitorAudience);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`;
  log.info(
    {
      url,
      provider: provider.name,
      model: provider.model,
      maxWorkers: config.queue.maxWorkers,
      triageModel: secondOpinion.enabled,
    },
    'listening',
  );

  // Start-up sweep: take back what a previous run of any instance left behind.
  await sweeper.runNow();
  await housekeeping.runNow();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      draining = true;
      const serverClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      await sweeper.stop();
      await housekeeping.stop();
      const released = await dispatcher.stop(config.queue.shutdownGraceMs).catch((error: unknown) => {
        log.warn({ err: error }, 'could not release messages; their leases will expire');
        return 0;
      });
      await leaseKeeper.stop();
      await secondOpinion.close();
      await removeInstance(pool, { id: instanceId }).catch(() => undefined);
      stats.stop();
      sseHub.close();
      await sockets.close();
      await listener.close();
      httpServer.closeAllConnections();
      await serverClosed;
      await pool.end();
      log.info({ released }, 'stopped');
    })();
    return closing;
  };

  return { instanceId, url, port, pool, dispatcher, httpServer, sockets, close };
}
