/**
 * The express application, the one way into the service over HTTP. Every request takes the same
 * chain, in this order: request id, log line and metrics; security headers; CORS; tokens; the
 * JSON body; the question rate limit; the routes; JSON 404s and errors. A new concern is a new
 * step in this list, never a route answered beside it.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';
import { MAX_JSON_BODY_BYTES } from '../../shared/limits.js';
import type { QuestionRateLimiter } from '../access/rate-limit.js';
import type { Tokens } from '../access/tokens.js';
import type { Pool } from '../db/pool.js';
import type { Dispatcher } from '../queue/dispatcher.js';
import type { SubmitDeps } from '../queue/submit-question.js';
import type { Metrics } from '../stats/metrics.js';
import { requireTokens } from './auth.js';
import { corsForOrigins } from './cors.js';
import { errorHandler, notFound } from './errors.js';
import type { FinishedMessageCache } from './finished-messages.js';
import { jsonBody } from './json-body.js';
import { limitQuestions } from './rate-limit.js';
import { observeRequests } from './request-logging.js';
import { apiDocsRoutes } from './routes/api-docs.js';
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
  /** More routes (the SSE streams), mounted after the API's own, before the JSON 404s. */
  extraRoutes?: Router[];
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.trustProxy);
  app.use(observeRequests({ logger: deps.logger, metrics: deps.metrics }));
  app.use(securityHeaders());
  app.use(corsForOrigins(deps.corsOrigins));
  app.use(requireTokens(deps.tokens));
  app.use(jsonBody(MAX_JSON_BODY_BYTES));
  app.post('/api/chat', limitQuestions(deps.rateLimiter));
  // Routes are added to the app itself (a nested router is one more step per request), the
  // busiest (asking and polling) first.
  chatRoutes(app, { ...deps.submit, maxQuestionChars: deps.maxQuestionChars, finished: deps.finished });
  healthRoutes(app, { pool: deps.pool, isDraining: deps.isDraining });
  metricsRoutes(app, { metrics: deps.metrics });
  conversationRoutes(app, { pool: deps.pool, dispatcher: deps.dispatcher, logger: deps.logger });
  statisticsRoutes(app, { pool: deps.pool, instanceStaleAfterMs: deps.instanceStaleAfterMs });
  apiDocsRoutes(app, { maxQuestionChars: deps.maxQuestionChars, tokens: deps.tokens });
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
