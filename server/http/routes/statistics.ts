import { Router } from 'express';
import type { Pool } from '../../db/pool.js';
import { readStatistics } from '../../stats/statistics.js';

export function statisticsRoutes(deps: { pool: Pool; instanceStaleAfterMs: number }): Router {
  const router = Router();
  router.get('/api/statistics', async (_req, res) => {
    res.json(await readStatistics(deps.pool, { instanceStaleAfterMs: deps.instanceStaleAfterMs }));
  });
  return router;
}
