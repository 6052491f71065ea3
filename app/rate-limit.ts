import type { ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { RateLimits } from './config';
import { HttpError } from './http-error';
import { log } from './log';

/** Every limit counts requests over one minute. */
export const rateWindowMs = 60_000;

/** Keys tracked per limiter; beyond this, new keys share one overflow counter, so memory stays bounded. */
const maxKeysPerWindow = 50_000;
const overflowKey = '(overflow)';

/**
 * A fixed-window counter: at most `limit` hits per key per window. All keys share one window, so a
 * new window is a single clear() and memory never holds more than one window's keys.
 */
export class FixedWindowLimiter {
  private windowStart = -Infinity;
  private readonly counts = new Map<string, number>();

  constructor(
    readonly limit: number,
    private readonly now: () => number,
    private readonly windowMs = rateWindowMs,
    private readonly maxKeys = maxKeysPerWindow,
  ) {}

  /** Counts one hit; returns 0 if allowed, else the milliseconds until the window ends. */
  hit(key: string): number {
    const now = this.now();
    if (now >= this.windowStart + this.windowMs) {
      this.windowStart = now;
      this.counts.clear();
    }
    const counted = this.counts.has(key) || this.counts.size < this.maxKeys ? key : overflowKey;
    const count = (this.counts.get(counted) ?? 0) + 1;
    this.counts.set(counted, count);
    return count > this.limit ? this.windowStart + this.windowMs - now : 0;
  }

  get trackedKeys(): number {
    return this.counts.size;
  }
}

export type RateLimitKind = keyof RateLimits;

/** The installation's limiters, one per kind, shared by every route. */
export type RateLimiters = Record<RateLimitKind, FixedWindowLimiter>;

export function createRateLimiters(limits: RateLimits, now: () => number): RateLimiters {
  return {
    perAddress: new FixedWindowLimiter(limits.perAddress, now),
    perGateway: new FixedWindowLimiter(limits.perGateway, now),
    perToken: new FixedWindowLimiter(limits.perToken, now),
  };
}

const labels: Record<RateLimitKind, string> = { perAddress: 'address', perGateway: 'gateway', perToken: 'token' };

/**
 * Counts one request against `kind` under `key` (none: not counted). Over the limit: a 429 with
 * Retry-After, and a log line naming the kind, never the key when it is a token.
 */
export function checkRateLimit(limiters: RateLimiters, kind: RateLimitKind, key: unknown, res: ServerResponse, path: string): void {
  if (typeof key !== 'string' || key === '') return;
  const limiter = limiters[kind];
  const waitMs = limiter.hit(key.slice(0, 128));
  if (waitMs === 0) return;
  res.setHeader('Retry-After', String(Math.ceil(waitMs / 1000)));
  log.warn('rate limit reached', {
    limit: labels[kind], per_minute: limiter.limit, key: kind === 'perToken' ? undefined : key.slice(0, 64), path: path.split('?')[0].slice(0, 200),
  });
  throw new HttpError(429, 'Too many requests at once. Please wait a moment and try again.', 'Please wait');
}

/** checkRateLimit as an Express middleware, with the key `keyOf` finds. */
export function rateLimit(limiters: RateLimiters, kind: RateLimitKind, keyOf: (req: Request) => unknown): RequestHandler {
  return (req, res, next) => {
    checkRateLimit(limiters, kind, keyOf(req), res, req.path);
    next();
  };
}
