import type { IRouter } from 'express';
import type { Pool } from '../../db/pool.js';
import { readStatistics } from '../../stats/statistics.js';
import { sendJson } from '../json-response.js';

export function statisticsRoutes(router: IRouter, deps: { pool: Pool; instanceStaleAfterMs: number }): void {
  router.get('/api/statistics', async (_req, res) => {
    sendJson(res, 200, await readStatistics(deps.pool, { instanceStaleAfterMs: deps.instanceStaleAfterMs }));
  });
}
