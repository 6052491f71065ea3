import type { RequestListener } from 'node:http';
import express from 'express';
import { adminRoutes } from './admin/routes';
import type { Context } from './context';
import { createEdge, trustedProxies } from './edge/edge';
import { guestEndpoints } from './edge/endpoints';
import { createPolicy } from './edge/policy';
import { viewLocals, viewRenderer } from './edge/views';
import { HttpError } from './errors';
import { monitoringRoutes } from './monitoring';
import { publicDir, viewsDir } from './paths';

/**
 * The web application, without a listening socket: server.ts listens, tests drive it with supertest.
 * Guests and routers are served on the edge (edge/endpoints.ts); the owner and monitoring by Express.
 * Both go through the one policy (edge/policy.ts).
 */
export function createApp(ctx: Context): RequestListener {
  const policy = createPolicy(ctx);
  const trust = trustedProxies(ctx.config.trustProxy);

  const app = express();
  app.set('views', viewsDir);
  app.set('view engine', 'ejs');
  app.set('trust proxy', trust);
  app.set('x-powered-by', false);
  // Views only change with a new release: compile each once, whatever NODE_ENV says (Express caches only in production).
  app.set('view cache', true);
  // Admin pages are no-store, so an ETag would never be used: skip hashing every body.
  app.set('etag', false);
  Object.assign(app.locals, viewLocals(ctx.config));

  app.use(policy.express.count);
  app.use(policy.express.secure);
  app.use(monitoringRoutes(ctx));
  app.use(policy.express.limitAddress);
  // The admin parses its own (larger) forms and alone has a session.
  app.use('/admin', adminRoutes(ctx));

  app.get('/', (_req, res) => res.redirect(302, 'preview'));
  // After the routes: a file lookup on every request would cost a stat() each.
  app.use(express.static(publicDir, { maxAge: '7d', index: false }));

  app.use((_req, _res, next) => next(new HttpError(404, 'There is no page at this address.')));
  app.use(policy.express.errors);

  return createEdge(policy, guestEndpoints(ctx), { trust, render: viewRenderer(ctx.config), fallback: app });
}
