import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { securityHeaderMap } from '../content-security';
import type { Context } from '../context';
import { errorAnswer, type ErrorAnswer, type FailedRequest } from '../error-page';
import { guestErrorWords } from '../guest/error-messages';
import { answered } from '../metrics';
import { checkRateLimit } from '../rate-limit';

/*
 * What every request goes through, on the edge and on Express alike, written once: the security
 * headers, the per-address limit, the request counters and the error page. Express gets thin
 * middleware around the same functions (`express` below).
 */
export interface Policy {
  /** The recorded security headers, set first on every answer. */
  secure(res: ServerResponse): void;
  /** Counts one request against its address's budget; throws a TooManyRequestsError over it. */
  limitAddress(ip: string | undefined, path: string): void;
  /** Counts the answer once sent, under its route pattern (`routeOf` asked then); nothing without METRICS_TOKEN. */
  count(req: IncomingMessage, res: ServerResponse, routeOf: () => string): void;
  /** The error page, in the language the request asks for (the `lang` choice, else Accept-Language); its log line stays English. */
  errorAnswer(error: unknown, request: FailedRequest, asked: AskedLanguage): ErrorAnswer;
  express: {
    count: RequestHandler;
    secure: RequestHandler;
    limitAddress: RequestHandler;
    /** The error page for the admin, monitoring and the files. */
    errors: ErrorRequestHandler;
  };
}

export interface AskedLanguage {
  lang: unknown;
  acceptLanguage: string | undefined;
}

/** The route pattern Express matched (e.g. /admin/routers/:id), or a fixed word: never the raw path. */
function expressRouteOf(req: Request): string {
  const pattern = req.route?.path;
  return typeof pattern === 'string' ? pattern : 'unmatched';
}

export function createPolicy(ctx: Context): Policy {
  const headers = securityHeaderMap(ctx.config);
  // Counted only when someone can read them: /metrics is off without METRICS_TOKEN.
  const counting = Boolean(ctx.config.metricsToken);

  const policy: Omit<Policy, 'express'> = {
    secure: (res) => res.setHeaders(headers),
    limitAddress: (ip, path) => checkRateLimit(ctx.limiters, 'perAddress', ip, path),
    count(req, res, routeOf) {
      if (counting) res.on('finish', () => answered(ctx.metrics, routeOf(), req, res));
    },
    errorAnswer(error, request, asked) {
      const answer = errorAnswer(error, request);
      const words = guestErrorWords(answer.page, asked.lang, asked.acceptLanguage);
      return { ...answer, view: { ...answer.view, locals: { ...answer.view.locals, ...words } } };
    },
  };

  return {
    ...policy,
    express: {
      count(req, res, next) {
        policy.count(req, res, () => expressRouteOf(req));
        next();
      },
      secure(_req, res, next) {
        policy.secure(res);
        next();
      },
      limitAddress(req, _res, next) {
        policy.limitAddress(req.ip, req.path);
        next();
      },
      errors(error, req, res, _next) {
        const answer = policy.errorAnswer(error, { method: req.method, path: req.path, ip: req.ip ?? '' }, { lang: req.query.lang, acceptLanguage: req.headers['accept-language'] });
        if (res.headersSent) return;
        res.status(answer.status).set(answer.headers).render(answer.view.name, answer.view.locals);
      },
    },
  };
}
