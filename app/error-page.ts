import type { Answer } from './endpoint';
import { HttpError, StoreUnavailableError, TooManyRequestsError, UserError } from './errors';
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
  if (error instanceof StoreUnavailableError) {
    log.warn('request refused: the database is unavailable', { ...described, status: error.status, error: error.reason });
    return { status: error.status, title: error.title, message: error.message };
  }
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

/** The error page as an answer, for either stack; `page` is its text, for when the view cannot be rendered. */
export interface ErrorAnswer extends Answer {
  status: number;
  headers: Record<string, string>;
  view: { name: string; locals: Record<string, unknown> };
  page: ErrorPage;
}

/** The error page for a failed request: never stored, and a rate limit says when to come back. */
export function errorAnswer(error: unknown, request: FailedRequest): ErrorAnswer {
  const page = errorPage(error, request);
  const headers: Record<string, string> = error instanceof TooManyRequestsError || error instanceof StoreUnavailableError
    ? { 'Retry-After': String(error.retryAfterSeconds) } : {};
  headers['Cache-Control'] = 'no-store';
  return { status: page.status, headers, view: { name: 'error', locals: { ...page } }, page };
}
