import type { ErrorRequestHandler } from 'express';
import { HttpError, UserError } from './errors';
import { log } from './log';

export interface ErrorPage {
  status: number;
  title: string;
  message: string;
}

/** What a request was, for the log line of its failure. */
export interface FailedRequest {
  method: string;
  path: string;
  ip: string;
}

/** The one place error pages are decided: the person sees plain words, the log gets the detail. */
export function errorPage(error: unknown, request: FailedRequest): ErrorPage {
  const described = { method: request.method, path: request.path.slice(0, 200), ip: request.ip };
  if (error instanceof HttpError) {
    log.warn('request refused', { ...described, status: error.status, reason: error.message });
    return { status: error.status, title: error.title, message: error.message };
  }
  if (error instanceof UserError) {
    log.warn('request refused', { ...described, status: 400, reason: error.message });
    return { status: 400, title: 'Something is not right', message: error.message };
  }
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // body-parser and friends: too large, malformed, too many parameters
    const { type, message } = error as { type?: string; message?: string };
    log.warn('request refused', { ...described, status, reason: type ?? message });
    return { status, title: 'Something is not right', message: status === 413 ? 'The request is too large.' : 'The request could not be read.' };
  }
  log.error('request failed', { ...described, error: (error as Error | null)?.stack ?? String(error) });
  return { status: 500, title: 'Something went wrong', message: 'Portico could not handle this request. Please try again in a moment.' };
}

/** Express's error handler: the same pages for the admin and the files. */
export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const page = errorPage(error, { method: req.method, path: req.path, ip: req.ip ?? '' });
  if (res.headersSent) return;
  res.status(page.status).set('Cache-Control', 'no-store').render('error', page);
};
