/**
 * The HTTP part: the express app, the one HTTP server, the Socket.IO server on it, and the
 * listening socket. Closing drains first: no new connections, /health says unavailable, the work
 * under way finishes (its clients still hear it), and only then are the connections closed.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientAddressResolver } from '../access/client-address.js';
import { createQuestionRateLimiter, type QuestionRateLimiter } from '../access/rate-limit.js';
import type { Tokens } from '../access/tokens.js';
import { createApp } from '../http/app.js';
import { FinishedMessageCache } from '../http/finished-messages.js';
import { createHttpServer } from '../http/http-server.js';
import { once, type StopStack } from '../lifecycle.js';
import { CLIENT_DIST_DIR } from '../paths.js';
import { attachSocketServer, type SocketServer } from '../realtime/socket-server.js';
import { sseRoutes } from '../realtime/sse.js';
import type { Core } from './core.js';
import type { Realtime } from './realtime.js';

export interface Web {
  readonly httpServer: http.Server;
  readonly sockets: SocketServer;
  readonly url: string;
  readonly port: number;
}

export async function startHttp(
  core: Core,
  realtime: Realtime,
  options: { clientDir?: string },
  stack: StopStack,
): Promise<Web> {
  const { config, log } = core;
  let draining = false;
  const access: Access = {
    tokens: { apiToken: config.security.apiToken, monitorToken: config.security.monitorToken },
    // One count per client address, for REST and socket questions alike.
    rateLimiter: createQuestionRateLimiter(config.security.rateLimitPerMinute),
  };
  const app = createWebApp(core, realtime, { ...options, access, isDraining: () => draining });
  const httpServer = createHttpServer(app);
  // Once closed, the server calls back when its last connection has ended.
  const closed = once(() => new Promise<void>((resolve) => httpServer.close(() => resolve())));
  stack.push('HTTP server', async () => {
    const allEnded = closed();
    httpServer.closeAllConnections();
    await allEnded;
  });
  const sockets = attachSocketServer({
    httpServer,
    pool: core.pool,
    submit: core.submit,
    stats: realtime.stats,
    maxQuestionChars: config.maxQuestionChars,
    logger: log,
    ...access,
    clientAddress: clientAddressResolver(config.security.trustProxy),
    corsOrigins: config.security.corsOrigins,
    partialAnswers: realtime.partialAnswers,
    socketLimits: config.security.socketLimits,
  });
  stack.push('sockets', () => sockets.close());
  realtime.relay.addTarget(sockets);
  realtime.stats.addAudience(sockets.monitorAudience);
  core.metrics.readFrom({ socketConnections: (namespace) => sockets.io.of(namespace).sockets.size });
  const port = await listen(httpServer, config.port, config.host);
  stack.push('drain', async () => {
    draining = true;
    void closed();
    httpServer.closeIdleConnections();
    await core.drainWork();
  });
  const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`;
  const { provider } = core;
  const listening = { url, provider: provider.name, model: provider.model, maxWorkers: config.queue.maxWorkers };
  log.info({ ...listening, triageModel: core.secondOpinion.enabled }, 'listening');
  return { httpServer, sockets, url, port };
}

interface Access {
  tokens: Tokens;
  rateLimiter: QuestionRateLimiter;
}

function createWebApp(
  core: Core,
  realtime: Realtime,
  options: { clientDir?: string; access: Access; isDraining: () => boolean },
) {
  const { config, pool } = core;
  // Finished messages' answers, kept from the status events every instance hears.
  const finished = new FinishedMessageCache();
  realtime.relay.addTarget(finished.relayTarget);
  realtime.relay.onMessagesDeleted(() => finished.clear());
  return createApp({
    pool,
    dispatcher: core.dispatcher,
    logger: core.log,
    submit: core.submit,
    maxQuestionChars: config.maxQuestionChars,
    instanceStaleAfterMs: core.instanceStaleAfterMs,
    isDraining: options.isDraining,
    metrics: core.metrics,
    ...options.access,
    finished,
    trustProxy: config.security.trustProxy,
    corsOrigins: config.security.corsOrigins,
    clientDir: options.clientDir ?? CLIENT_DIST_DIR,
    extraRoutes: [
      sseRoutes({ pool, hub: realtime.sseHub, stats: realtime.stats, partialAnswers: realtime.partialAnswers }),
    ],
  });
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
