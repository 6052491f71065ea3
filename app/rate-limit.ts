import { createHmac, randomBytes } from 'node:crypto';
import type { RateLimits } from './config';
import { TooManyRequestsError } from './errors';
import { log } from './log';

/** Every limit counts requests over one minute. */
export const rateWindowMs = 60_000;

/** Keys counted exactly per limiter; beyond this, new keys are counted in the overflow sketch, so memory stays bounded. */
const maxKeysPerWindow = 50_000;
/** The overflow sketch: rows × cells of counters (256 kB), one cell per row for each key. */
const sketchRows = 4;
const sketchCells = 16_384;

/**
 * A fixed-window counter: at most `limit` hits per key per window. All keys share one window, so a
 * new window is a single clear() and memory never holds more than one window's keys.
 *
 * Past `maxKeys` a key is counted in a count-min sketch: each key has one cell per row, chosen by a
 * keyed hash with a secret made at start, and its count is the least of its cells. A count is never
 * too low, so a flooding key is still stopped; it is too high only where every one of a key's cells is
 * shared with busy keys, which is rare (an attacker spending H hits fills at most H / limit cells a row)
 * and cannot be aimed at a given guest without the secret. A single overflow counter, instead, let
 * whoever filled the map share one budget with every real guest who came after.
 */
export class FixedWindowLimiter {
  private windowStart = -Infinity;
  private readonly counts = new Map<string, number>();
  private readonly sketch = new Uint32Array(sketchRows * sketchCells);
  private sketchUsed = false;
  private readonly secret = randomBytes(32);

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
      if (this.sketchUsed) this.sketch.fill(0);
      this.sketchUsed = false;
    }
    let count: number;
    if (this.counts.has(key) || this.counts.size < this.maxKeys) {
      count = (this.counts.get(key) ?? 0) + 1;
      this.counts.set(key, count);
    } else {
      count = this.sketchHit(key);
    }
    return count > this.limit ? this.windowStart + this.windowMs - now : 0;
  }

  /** Counts a hit in the sketch and returns the key's count; only the cells at the least count grow (conservative update). */
  private sketchHit(key: string): number {
    this.sketchUsed = true;
    const digest = createHmac('sha256', this.secret).update(key).digest();
    const cells = Array.from({ length: sketchRows }, (_, row) => row * sketchCells + (digest.readUInt32LE(row * 4) % sketchCells));
    const count = Math.min(...cells.map((cell) => this.sketch[cell])) + 1;
    for (const cell of cells) this.sketch[cell] = Math.max(this.sketch[cell], count);
    return count;
  }

  get trackedKeys(): number {
    return this.counts.size;
  }
}

/**
 * The installation's limiters, shared by every route. A router's budget is split by who spends it:
 * perGateway counts the router's own requests (session checks, pings), perGatewayGuests the captured
 * browsers' (router entries, login and portal pages). Both are keyed on the router and the source
 * address and counted only once a request is valid, so a flood from one address, well-formed or not,
 * spends only that address's budget: never the real router's, nor the other guests'.
 */
export interface RateLimiters {
  perAddress: FixedWindowLimiter;
  perGateway: FixedWindowLimiter;
  perGatewayGuests: FixedWindowLimiter;
  perToken: FixedWindowLimiter;
}

export type RateLimitKind = keyof RateLimiters;

export function createRateLimiters(limits: RateLimits, now: () => number): RateLimiters {
  return {
    perAddress: new FixedWindowLimiter(limits.perAddress, now),
    perGateway: new FixedWindowLimiter(limits.perGateway, now),
    perGatewayGuests: new FixedWindowLimiter(limits.perGateway, now),
    perToken: new FixedWindowLimiter(limits.perToken, now),
  };
}

const labels: Record<RateLimitKind, string> = { perAddress: 'address', perGateway: 'gateway', perGatewayGuests: 'gateway guests', perToken: 'token' };

/** The key of a router's budget for requests from `ip` (perGateway, perGatewayGuests). */
export function gatewayKey(gatewayId: string, ip: string): string {
  return `${gatewayId} ${ip}`;
}

/**
 * Counts one request against `kind` under `key` (none: not counted). Over the limit: a 429 with
 * Retry-After (the error page sets it), and a log line naming the kind, never the key when it is a token.
 */
export function checkRateLimit(limiters: RateLimiters, kind: RateLimitKind, key: unknown, path: string): void {
  if (typeof key !== 'string' || key === '') return;
  const limiter = limiters[kind];
  const waitMs = limiter.hit(key.slice(0, 128));
  if (waitMs === 0) return;
  log.warn('rate limit reached', {
    limit: labels[kind], per_minute: limiter.limit, key: kind === 'perToken' ? undefined : key.slice(0, 64), path: path.split('?')[0].slice(0, 200),
  });
  throw new TooManyRequestsError(Math.ceil(waitMs / 1000));
}
