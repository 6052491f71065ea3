import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import proxyaddr from 'proxy-addr';
import type { Config } from '../config';
import { allowFormAction } from '../content-security';
import type { Answer, Endpoint, Exchange } from '../endpoint';
import { log } from '../log';
import type { Policy } from './policy';
import type { RenderView } from './views';

/*
 * The guest and router endpoints, served on Node's own request and response ahead of Express. These
 * are what a crowd of captured phones and their routers hit; Express's per-request work (prototype
 * swaps, layer matching, promise wrapping, finalhandler) cost half of a terms page, measured. The
 * owner's admin, monitoring and the files stay on Express.
 */

interface EndpointTable {
  exact: Map<string, Endpoint>;
  /** Endpoints ending in a parameter, by the path up to and including the slash before it. */
  withParameter: { prefix: string; name: string; endpoint: Endpoint }[];
}

function endpointTable(endpoints: Endpoint[]): EndpointTable {
  const table: EndpointTable = { exact: new Map(), withParameter: [] };
  for (const endpoint of endpoints) {
    const parameter = /^(.*\/):(\w+)$/.exec(endpoint.path);
    if (parameter) table.withParameter.push({ prefix: parameter[1], name: parameter[2], endpoint });
    else table.exact.set(`${endpoint.method} ${endpoint.path}`, endpoint);
  }
  return table;
}

interface Match {
  endpoint: Endpoint;
  params: Record<string, string>;
  search: string;
}

/**
 * Matches as Express does by default: case-insensitively, with or without one trailing slash. A
 * parameter with a malformed escape matches nothing, and Express answers it.
 */
function match(table: EndpointTable, req: IncomingMessage): Match | undefined {
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const url = req.url ?? '/';
  const question = url.indexOf('?');
  let path = question < 0 ? url : url.slice(0, question);
  const search = question < 0 ? '' : url.slice(question + 1);
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  const lowerPath = path.toLowerCase();
  const endpoint = table.exact.get(`${method} ${lowerPath}`);
  if (endpoint) return { endpoint, params: {}, search };
  for (const { prefix, name, endpoint } of table.withParameter) {
    if (endpoint.method !== method || !lowerPath.startsWith(prefix)) continue;
    const raw = path.slice(prefix.length);
    if (raw === '' || raw.includes('/')) continue;
    try {
      return { endpoint, params: { [name]: decodeURIComponent(raw) }, search };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Writes an answer whose view, if any, is already rendered to `html`. */
function write(req: IncomingMessage, res: ServerResponse, answer: Answer, html: string | undefined): void {
  res.statusCode = answer.status ?? 200;
  if (answer.formAction) allowFormAction(res, answer.formAction);
  if (answer.headers) for (const name in answer.headers) res.setHeader(name, answer.headers[name]);
  if (answer.redirect !== undefined) {
    // No body: every browser and router follows Location.
    res.setHeader('Location', answer.redirect);
    res.end();
    return;
  }
  if (html !== undefined) {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    sendWithLength(req, res, Buffer.from(html));
  } else if (typeof answer.body === 'string') {
    res.end(answer.body); // Node works out the length (and sends none for HEAD), as the router answers always had
  } else if (answer.body) {
    sendWithLength(req, res, answer.body);
  } else {
    res.end();
  }
}

function sendWithLength(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  res.setHeader('Content-Length', body.length);
  res.end(req.method === 'HEAD' ? undefined : body);
}

export type TrustProxy = (address: string, hop: number) => boolean;

/** TRUST_PROXY compiled once, as Express reads its 'trust proxy' setting; Express is given this same function. */
export function trustedProxies(trustProxy: Config['trustProxy']): TrustProxy {
  if (trustProxy === true) return () => true;
  if (typeof trustProxy === 'number') return (_address, hop) => hop < trustProxy;
  return proxyaddr.compile(typeof trustProxy === 'string' ? trustProxy.split(',').map((entry) => entry.trim()) : []);
}

/**
 * The request listener: the endpoints first, everything else to `fallback` (the Express application).
 * The client address goes through `trust`, the same compiled TRUST_PROXY function Express uses.
 */
export function createEdge(
  policy: Policy, endpoints: Endpoint[], { trust, render, fallback }: { trust: TrustProxy; render: RenderView; fallback: RequestListener },
): RequestListener {
  const table = endpointTable(endpoints);

  async function serve(exchange: Exchange, res: ServerResponse, endpoint: Endpoint): Promise<void> {
    const { req } = exchange;
    try {
      policy.secure(res);
      policy.limitAddress(exchange.ip, req.url ?? '');
      const answer = await endpoint.handle(exchange);
      const html = answer.view && await render(answer.view.name, answer.view.locals);
      write(req, res, answer, html);
    } catch (error) {
      const answer = policy.errorAnswer(error, { method: req.method ?? '', path: (req.url ?? '').split('?')[0], ip: exchange.ip },
        { lang: exchange.query.lang, acceptLanguage: req.headers['accept-language'] });
      if (res.headersSent) return;
      const html = await render(answer.view.name, answer.view.locals).catch((renderError: unknown) => {
        log.error('error page failed', { error: (renderError as Error | null)?.stack ?? String(renderError) });
        return answer.page.title;
      });
      write(req, res, answer, html);
    }
  }

  return (req, res) => {
    const found = match(table, req);
    if (!found) return fallback(req, res);
    const exchange: Exchange = { req, render, query: parseQuery(found.search), params: found.params, ip: proxyaddr(req, trust) };
    policy.count(req, res, () => found.endpoint.path);
    void serve(exchange, res, found.endpoint);
  };
}
