/** The express application: JSON API, then the built web app, then JSON 404s. */
import fs from 'node:fs';
import path from 'node:path';
import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';
import { MAX_JSON_BODY_BYTES } from '../../shared/limits.js';
import type { Pool } from '../db/pool.js';
import type { Dispatcher } from '../queue/dispatcher.js';
import { errorHandler, notFound } from './errors.js';
import { chatRoutes } from './routes/chat.js';
import { conversationRoutes } from './routes/conversations.js';
import { healthRoutes } from './routes/health.js';
import { statisticsRoutes } from './routes/statistics.js';

export interface AppDeps {
  pool: Pool;
  dispatcher: Dispatcher;
  logger: Logger;
  instanceId: string;
  leaseMs: number;
  maxQuestionChars: number;
  instanceStaleAfterMs: number;
  isDraining: () => boolean;
  /** The built client (vite build); served at / when it exists. */
  clientDir: string;
  /** More routes (the SSE streams), mounted before the JSON 404s. */
  extraRoutes?: Router[];
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use('/api', express.json({ limit: MAX_JSON_BODY_BYTES, strict: true }));
  app.use(healthRoutes({ pool: deps.pool, isDraining: deps.isDraining }));
  app.use(
    chatRoutes({
      pool: deps.pool,
      dispatcher: deps.dispatcher,
      instanceId: deps.instanceId,
      leaseMs: deps.leaseMs,
      maxQuestionChars: deps.maxQuestionChars,
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
