/** Queries on the instances table: who shares the database, and with how many workers. */
import type { Pool } from './pool.js';

export async function registerInstance(pool: Pool, params: { id: string; maxWorkers: number }): Promise<void> {
  await pool.query(
    `INSERT INTO instances (id, max_workers) VALUES ($1, $2)
     ON CONFLICT (id) DO UPDATE SET max_workers = EXCLUDED.max_workers, heartbeat_at = now()`,
    [params.id, params.maxWorkers],
  );
}

export async function heartbeatInstance(pool: Pool, params: { id: string }): Promise<void> {
  await pool.query('UPDATE instances SET heartbeat_at = now() WHERE id = $1', [params.id]);
}

export async function removeInstance(pool: Pool, params: { id: string }): Promise<void> {
  await pool.query('DELETE FROM instances WHERE id = $1', [params.id]);
}

/** Total workers of the instances whose heartbeat is recent. */
export async function liveWorkerCapacity(pool: Pool, params: { staleAfterMs: number }): Promise<number> {
  const { rows } = await pool.query<{ capacity: number }>(
    `SELECT coalesce(sum(max_workers), 0)::float8 AS capacity FROM instances
      WHERE heartbeat_at >= now() - $1 * interval '1 millisecond'`,
    [params.staleAfterMs],
  );
  return rows[0]?.capacity ?? 0;
}

/** How many other instances share the database now (their heartbeat is recent). */
export async function countOtherLiveInstances(
  pool: Pool,
  params: { id: string; staleAfterMs: number },
): Promise<number> {
  const { rows } = await pool.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM instances
      WHERE id <> $1 AND heartbeat_at >= now() - $2 * interval '1 millisecond'`,
    [params.id, params.staleAfterMs],
  );
  return rows[0]?.count ?? 0;
}

/** Drops instances that stopped without saying so (killed), long after their heartbeat ended. */
export async function forgetDeadInstances(pool: Pool, params: { staleAfterMs: number }): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM instances WHERE heartbeat_at < now() - $1 * interval '1 millisecond'`,
    [params.staleAfterMs],
  );
  return rowCount ?? 0;
}
