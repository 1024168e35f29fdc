/**
 * The express application: request logging and metrics, security headers, CORS, tokens, then
 * the JSON API, the built web app, and JSON 404s.
 */
import fs from 'node:fs';
import path from 'node:path';
import cors from 'cors';
import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';
import { MAX_JSON_BODY_BYTES } from '../../shared/limits.js';
import type { Pool } from '../db/pool.js';
import type { Dispatcher } from '../queue/dispatcher.js';
import type { SubmitDeps } from '../queue/submit-question.js';
import type { Metrics } from '../stats/metrics.js';
import { requireTokens, type Tokens } from './auth.js';
import { errorHandler, notFound } from './errors.js';
import type { FinishedMessageCache } from './finished-messages.js';
import { refuseNulCharacters } from './nul-characters.js';
import type { QuestionRateLimiter } from './rate-limit.js';
import { requestLogging } from './request-logging.js';
import { chatRoutes } from './routes/chat.js';
import { conversationRoutes } from './routes/conversations.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { statisticsRoutes } from './routes/statistics.js';
import { securityHeaders } from './security-headers.js';

export interface AppDeps {
  pool: Pool;
  dispatcher: Dispatcher;
  logger: Logger;
  metrics: Metrics;
  submit: SubmitDeps;
  maxQuestionChars: number;
  instanceStaleAfterMs: number;
  isDraining: () => boolean;
  tokens: Tokens;
  rateLimiter: QuestionRateLimiter;
  finished: FinishedMessageCache;
  trustProxy: boolean | number | string[];
  corsOrigins: string[];
  /** The built client (vite build); served at / when it exists. */
  clientDir: string;
  /** More routes (the SSE streams), mounted before the JSON 404s. */
  extraRoutes?: Router[];
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.trustProxy);
  app.use(requestLogging(deps.logger));
  app.use(deps.metrics.httpMiddleware());
  app.use(securityHeaders());
  app.use(
    cors({
      // No CORS headers for other origins: the browser then refuses them.
      origin: (origin, callback) => callback(null, origin !== undefined && deps.corsOrigins.includes(origin)),
      allowedHeaders: ['Content-Type', 'Authorization', 'Idempotency-Key', 'X-Request-Id'],
      exposedHeaders: ['Retry-After', 'X-Request-Id', 'Idempotent-Replayed'],
      maxAge: 600,
    }),
  );
  app.use(requireTokens(deps.tokens));
  app.use('/api', express.json({ limit: MAX_JSON_BODY_BYTES, strict: true }), refuseNulCharacters);
  app.use(healthRoutes({ pool: deps.pool, isDraining: deps.isDraining }));
  app.use(metricsRoutes({ metrics: deps.metrics }));
  app.use(
    chatRoutes({
      ...deps.submit,
      maxQuestionChars: deps.maxQuestionChars,
      rateLimiter: deps.rateLimiter,
      finished: deps.finished,
    }),
  );
  app.use(conversationRoutes({ pool: deps.pool }));
  app.use(statisticsRoutes({ pool: deps.pool, instanceStaleAfterMs: deps.instanceStaleAfterMs }));
  for (const routes of deps.extraRoutes ?? []) app.use(routes);
  app.use('/api', notFound);
  serveClient(app, deps.clientDir);
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}

/** Static files of the single-page app, and its index.html for client-side routes. */
function serveClient(app: Express, clientDir: string): void {
  const indexFile = path.join(clientDir, 'index.html');
  app.use(express.static(clientDir, { index: 'index.html', maxAge: '1h', setHeaders: noCacheForHtml }));
  app.get(/^\/(?!api\/|socket\.io\/).*/, (req, res, next) => {
    if (!req.accepts('html') || !fs.existsSync(indexFile)) return next();
    res.set('Cache-Control', 'no-cache').sendFile(indexFile);
  });
}

function noCacheForHtml(res: express.Response, filePath: string): void {
  if (filePath.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
}
