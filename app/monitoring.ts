import { Router } from 'express';
import type { Context } from './context';
import { HttpError } from './errors';
import { hasBearerToken } from './metrics';

/** /healthz for uptime monitors; /metrics for Prometheus, off unless METRICS_TOKEN is set. */
export function monitoringRoutes(ctx: Context): Router {
  const router = Router();

  router.get('/healthz', async (_req, res) => {
    const healthy = await ctx.store.isHealthy();
    res.status(healthy ? 200 : 503).set('Cache-Control', 'no-store').type('text/plain').send(healthy ? 'ok\n' : 'database unavailable\n');
  });

  router.get('/metrics', (req, res) => {
    const token = ctx.config.metricsToken;
    if (token === null) throw new HttpError(404, 'There is no page at this address.');
    if (!hasBearerToken(req, token)) {
      res.set('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new HttpError(401, 'Metrics need the bearer token set in METRICS_TOKEN.', 'Not allowed');
    }
    res.set('Cache-Control', 'no-store').type('text/plain; version=0.0.4').send(ctx.metrics.render());
  });

  return router;
}
