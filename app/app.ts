import express, { type ErrorRequestHandler, type Request } from 'express';
import { logoRoutes } from './admin/logo';
import { adminRoutes } from './admin/routes';
import { securityHeaders } from './content-security';
import type { Context } from './context';
import { drivers } from './gateways';
import { captivePortalApi } from './guest/captive-portal-api';
import { guestRoutes } from './guest/routes';
import { stylesheetPath, stylesheetRoutes } from './guest/stylesheets';
import { HttpError } from './http-error';
import { log } from './log';
import { countRequests } from './metrics';
import { monitoringRoutes } from './monitoring';
import { publicDir, viewsDir } from './paths';
import { rateLimit } from './rate-limit';

/** The web application, without a listening socket: server.ts listens, tests drive it with supertest. */
export function createApp(ctx: Context): express.Express {
  const app = express();
  app.set('views', viewsDir);
  app.set('view engine', 'ejs');
  app.set('trust proxy', ctx.config.trustProxy);
  app.set('x-powered-by', false);
  // Views only change with a new release: compile each once, whatever NODE_ENV says (Express caches only in production).
  app.set('view cache', true);
  // Guest pages and router answers are no-store, so an ETag would never be used: skip hashing every body.
  app.set('etag', false);
  parseQueryOnce(app);
  app.locals.basePath = ctx.config.publicUrl.pathname; // links work behind a proxy that adds a prefix
  app.locals.stylesheet = stylesheetPath(); // pages without a venue (errors) get the default colours

  // Counted only when someone can read them: /metrics is off without METRICS_TOKEN.
  if (ctx.config.metricsToken) app.use(countRequests(ctx.metrics));
  app.use(securityHeaders(ctx.config));
  app.use(monitoringRoutes(ctx));
  app.use(rateLimit(ctx.limiters, 'perAddress', (req) => req.ip));
  app.use(stylesheetRoutes());
  // The admin parses its own (larger) forms and alone has a session.
  app.use('/admin', adminRoutes(ctx));

  app.get('/', (_req, res) => res.redirect(302, 'preview'));
  for (const driver of drivers.values()) app.use(driver.routes(ctx));
  app.use(guestRoutes(ctx));
  app.use(logoRoutes(ctx));
  app.use(captivePortalApi(ctx));
  // After the routes: a file lookup on every guest and router request would cost a stat() each.
  app.use(express.static(publicDir, { maxAge: '7d', index: false }));

  app.use((_req, _res, next) => next(new HttpError(404, 'There is no page at this address.')));
  app.use(errorHandler);
  return app;
}

/**
 * Express 5 parses the query string again at every read of req.query, and a router's request reads
 * it a dozen times: parse it at the first read and keep the result on the request.
 */
function parseQueryOnce(app: express.Express): void {
  const parse = Object.getOwnPropertyDescriptor(express.request, 'query')!.get!;
  Object.defineProperty(app.request, 'query', {
    configurable: true,
    enumerable: true,
    get(this: Request) {
      const query: unknown = parse.call(this);
      Object.defineProperty(this, 'query', { value: query, configurable: true, enumerable: true, writable: true });
      return query;
    },
  });
}

function describe(req: Request): Record<string, string> {
  return { method: req.method, path: req.path.slice(0, 200), ip: req.ip ?? '' };
}

/** The one place error pages are made: the person sees plain words, the log gets the detail. */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  let status = 500;
  let title = 'Something went wrong';
  let message = 'Portico could not handle this request. Please try again in a moment.';
  if (error instanceof HttpError) {
    ({ status, title, message } = error);
    log.warn('request refused', { ...describe(req), status, reason: message });
  } else if (typeof error?.status === 'number' && error.status >= 400 && error.status < 500) {
    // body-parser and friends: too large, malformed, too many parameters
    status = error.status;
    title = 'Something is not right';
    message = status === 413 ? 'The request is too large.' : 'The request could not be read.';
    log.warn('request refused', { ...describe(req), status, reason: error.type ?? error.message });
  } else {
    log.error('request failed', { ...describe(req), error: error?.stack ?? String(error) });
  }
  if (res.headersSent) return;
  res.status(status).set('Cache-Control', 'no-store').render('error', { title, message });
};
