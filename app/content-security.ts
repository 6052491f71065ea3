import type { ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import type { Config } from './config';

/**
 * helmet with a strict policy: nothing from other hosts, no inline script. Its headers depend on the
 * configuration alone (no per-request directives), so they are recorded once and set in one call.
 */
export function securityHeaderMap(config: Pick<Config, 'secure'>): Map<string, string> {
  return headersSetBy(helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        formAction: ["'self'"], // widened per page by allowFormAction
        // On plain HTTP, WebKit (the iPhone's captive sheet) would upgrade requests and break the page.
        upgradeInsecureRequests: config.secure ? [] : null,
      },
    },
    strictTransportSecurity: config.secure,
  }));
}

function headersSetBy(middleware: RequestHandler): Map<string, string> {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: string) => headers.set(name, value),
    removeHeader: (name: string) => headers.delete(name),
  };
  middleware({} as Request, recorder as unknown as Response, () => {});
  return headers;
}

/**
 * The accept form ends at the router (a 307 or 303 after our POST) and CSP checks form redirects too,
 * so the terms page allows its router's origin. helmet has set the header before the route runs.
 */
export function allowFormAction(res: ServerResponse, origin: string): void {
  const policy = res.getHeader('Content-Security-Policy');
  if (typeof policy === 'string') res.setHeader('Content-Security-Policy', policy.replace("form-action 'self'", `form-action 'self' ${origin}`));
}
