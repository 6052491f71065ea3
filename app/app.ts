import type { RequestListener } from 'node:http';
import express from 'express';
import { logoRoutes } from './admin/logo';
import { adminRoutes } from './admin/routes';
import { securityHeaderMap, securityHeaders } from './content-security';
import type { Context } from './context';
import { withDirectRoutes } from './direct-routes';
import { errorHandler } from './error-page';
import { drivers } from './gateways';
import { captivePortalApi } from './guest/captive-portal-api';
import { guestRoutes } from './guest/routes';
import { stylesheetRoutes } from './guest/stylesheet-routes';
import { stylesheetPath } from './guest/stylesheets';
import { HttpError } from './errors';
import { countRequests } from './metrics';
import { monitoringRoutes } from './monitoring';
import { publicDir, viewsDir } from './paths';
import { rateLimit } from './rate-limit';

/**
 * The web application, without a listening socket: server.ts listens, tests drive it with supertest.
 * The guests' and routers' routes are served directly (direct-routes.ts); the rest by Express.
 */
export function createApp(ctx: Context): RequestListener {
  const app = express();
  app.set('views', viewsDir);
  app.set('view engine', 'ejs');
  app.set('trust proxy', ctx.config.trustProxy);
  app.set('x-powered-by', false);
  // Views only change with a new release: compile each once, whatever NODE_ENV says (Express caches only in production).
  app.set('view cache', true);
  // Guest pages and router answers are no-store, so an ETag would never be used: skip hashing every body.
  app.set('etag', false);
  app.locals.basePath = ctx.config.publicUrl.pathname; // links work behind a proxy that adds a prefix
  app.locals.stylesheet = stylesheetPath(); // pages without a venue (errors) get the default colours
  const headers = securityHeaderMap(ctx.config);

  // Counted only when someone can read them: /metrics is off without METRICS_TOKEN.
  if (ctx.config.metricsToken) app.use(countRequests(ctx.metrics));
  app.use(securityHeaders(headers));
  app.use(monitoringRoutes(ctx));
  app.use(rateLimit(ctx.limiters, 'perAddress', (req) => req.ip));
  app.use(stylesheetRoutes());
  // The admin parses its own (larger) forms and alone has a session.
  app.use('/admin', adminRoutes(ctx));

  app.get('/', (_req, res) => res.redirect(302, 'preview'));
  app.use(logoRoutes(ctx));
  // After the routes: a file lookup on every request would cost a stat() each.
  app.use(express.static(publicDir, { maxAge: '7d', index: false }));

  app.use((_req, _res, next) => next(new HttpError(404, 'There is no page at this address.')));
  app.use(errorHandler);

  const direct = [...[...drivers.values()].flatMap((driver) => driver.routes(ctx)), ...guestRoutes(ctx), ...captivePortalApi(ctx)];
  return withDirectRoutes(ctx, app, headers, direct);
}
