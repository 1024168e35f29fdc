import type { IRouter } from 'express';
import type { Metrics } from '../../stats/metrics.js';

/** GET /metrics in Prometheus text format (guarded by MONITOR_TOKEN, see auth.ts). */
export function metricsRoutes(router: IRouter, deps: { metrics: Metrics }): void {
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
}
