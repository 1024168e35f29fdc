import type { IRouter } from 'express';
import type { Health } from '../../../shared/rest.js';
import type { Pool } from '../../db/pool.js';
import { sendJson } from '../json-response.js';

/** How long the database may take to answer `SELECT 1` before we call it unreachable. */
const PING_TIMEOUT_MS = 2000;

async function databaseAnswers(pool: Pool): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
  });
  const ping = pool.query('SELECT 1').then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** GET /health: 200 while the database answers, 503 while it does not (recovers by itself). */
export function healthRoutes(router: IRouter, deps: { pool: Pool; isDraining: () => boolean }): void {
  router.get('/health', async (_req, res) => {
    const databaseOk = await databaseAnswers(deps.pool);
    const ok = databaseOk && !deps.isDraining();
    const body: Health = { status: ok ? 'ok' : 'unavailable', database: databaseOk ? 'ok' : 'unreachable' };
    sendJson(res, ok ? 200 : 503, body);
  });
}
