/*
 * Every error Portico throws on purpose. Each is written for the person who sees it; the error page
 * (error-page.ts) is the one place that turns them into a status.
 */

/** An error whose message is written for the person who sees it; the error handler renders it with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** A heading for the page, in plain words. */
    readonly title = status === 404 ? 'Not found' : 'Something is not right',
  ) {
    super(message);
  }
}

/** A request over one of the rate limits (rate-limit.ts): a 429 that tells the client when to come back. */
export class TooManyRequestsError extends HttpError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'Too many requests at once. Please wait a moment and try again.', 'Please wait');
  }
}

/**
 * The database cannot be reached (PostgreSQL restarting, or away): a 503 that says to come back in a few
 * seconds, and nothing was stored. A router protocol's own refusal stands in for it where it has one.
 */
export class StoreUnavailableError extends HttpError {
  readonly retryAfterSeconds = 5;
  /** What the database driver said, bounded, for the log. */
  readonly reason: string;

  constructor(cause: unknown) {
    super(503, 'The Wi-Fi sign-in is unavailable for a moment. Please try again in a few seconds.', 'Please try again');
    this.reason = String((cause as Error | undefined)?.message ?? cause).slice(0, 200);
  }
}

/** A mistake in what the owner typed (command line or admin form): shown as is, never as a stack trace; a 400 on a page. */
export class UserError extends Error {}

/** The store refused a write that conflicts with what it holds (a name taken, the last operator). */
export class StoreConflictError extends Error {}

/** A setting in the environment that Portico cannot start with. */
export class ConfigError extends Error {}
