import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery, type ParsedUrlQuery } from 'node:querystring';
import type express from 'express';
import proxyaddr from 'proxy-addr';
import type { Context } from './context';
import { errorPage } from './error-page';
import { log } from './log';
import { answered } from './metrics';
import { checkRateLimit } from './rate-limit';

/*
 * The guest and router paths, served on Node's own request and response ahead of Express. These are
 * what a crowd of captured phones and their routers hit; Express's per-request work (prototype swaps,
 * layer matching, promise wrapping, finalhandler) cost half of a terms page, measured. The owner's
 * admin, the files and everything else stay on Express.
 */

/** One request on a direct route: Node's own request and response, and what every handler reads, worked out once. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  /** The query string as sent, parsed as Express's default parser does (a repeated key gives an array). */
  query: ParsedUrlQuery;
  /** The route's path parameter, decoded, when it has one (pfSense: gatewayId). */
  params: Record<string, string>;
  /** The client's address through the trusted proxies (TRUST_PROXY), as Express's req.ip. */
  ip: string;
  /** A view rendered with the application's locals, from Express's view cache. */
  render(view: string, locals: Record<string, unknown>): Promise<string>;
}

export interface DirectRoute {
  /** GET routes answer HEAD too. */
  method: 'GET' | 'POST';
  /** In lower case, without a trailing slash; the last segment may be a parameter (`/pfsense/:gatewayId`). */
  path: string;
  handle(exchange: Exchange): Promise<void> | void;
}

/** A whole HTML page, with its length. */
export function sendHtml(res: ServerResponse, html: string, status = 200): void {
  const body = Buffer.from(html);
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

/** A redirect without a body: every browser and router follows Location. */
export function sendRedirect(res: ServerResponse, status: 302 | 303 | 307, location: string): void {
  res.statusCode = status;
  res.setHeader('Location', location);
  res.end();
}

interface RouteTable {
  exact: Map<string, DirectRoute>;
  /** Routes ending in a parameter, by the path up to and including the slash before it. */
  withParameter: { prefix: string; name: string; route: DirectRoute }[];
}

function routeTable(routes: DirectRoute[]): RouteTable {
  const table: RouteTable = { exact: new Map(), withParameter: [] };
  for (const route of routes) {
    const parameter = /^(.*\/):(\w+)$/.exec(route.path);
    if (parameter) table.withParameter.push({ prefix: parameter[1], name: parameter[2], route });
    else table.exact.set(`${route.method} ${route.path}`, route);
  }
  return table;
}

interface Match {
  route: DirectRoute;
  params: Record<string, string>;
  search: string;
}

/**
 * Matches as Express does by default: case-insensitively, with or without one trailing slash. A
 * parameter with a malformed escape matches nothing, and Express answers it.
 */
function match(table: RouteTable, req: IncomingMessage): Match | undefined {
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const url = req.url ?? '/';
  const question = url.indexOf('?');
  let path = question < 0 ? url : url.slice(0, question);
  const search = question < 0 ? '' : url.slice(question + 1);
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  const lowerPath = path.toLowerCase();
  const route = table.exact.get(`${method} ${lowerPath}`);
  if (route) return { route, params: {}, search };
  for (const { prefix, name, route } of table.withParameter) {
    if (route.method !== method || !lowerPath.startsWith(prefix)) continue;
    const raw = path.slice(prefix.length);
    if (raw === '' || raw.includes('/')) continue;
    try {
      return { route, params: { [name]: decodeURIComponent(raw) }, search };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The request listener: direct routes first, everything else to the Express application, whose
 * settings (trust proxy, views, locals) the direct routes share.
 */
export function withDirectRoutes(ctx: Context, app: express.Express, headers: Map<string, string>, routes: DirectRoute[]): RequestListener {
  const table = routeTable(routes);
  const trust = app.get('trust proxy fn') as (address: string, hop: number) => boolean;
  const render = (view: string, locals: Record<string, unknown>) => new Promise<string>((resolve, reject) => {
    app.render(view, locals, (error, html) => (error ? reject(error) : resolve(html)));
  });

  async function serve(exchange: Exchange, route: DirectRoute): Promise<void> {
    const { req, res } = exchange;
    try {
      res.setHeaders(headers);
      checkRateLimit(ctx.limiters, 'perAddress', exchange.ip, res, req.url ?? '');
      await route.handle(exchange);
    } catch (error) {
      const page = errorPage(error, { method: req.method ?? '', path: (req.url ?? '').split('?')[0], ip: exchange.ip });
      if (res.headersSent) return;
      res.setHeader('Cache-Control', 'no-store');
      const html = await render('error', { ...page }).catch((renderError: unknown) => {
        log.error('error page failed', { error: (renderError as Error | null)?.stack ?? String(renderError) });
        return page.title;
      });
      sendHtml(res, html, page.status);
    }
  }

  return (req, res) => {
    const found = match(table, req);
    if (!found) return app(req, res);
    const exchange: Exchange = { req, res, render, query: parseQuery(found.search), params: found.params, ip: proxyaddr(req, trust) };
    if (ctx.config.metricsToken) res.on('finish', () => answered(ctx.metrics, found.route.path, req, res));
    void serve(exchange, found.route);
  };
}
