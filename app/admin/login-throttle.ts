/**
 * Counts failed sign-ins per account and per address. After `maxFailures` within `windowMs` the key
 * is locked for `lockMs`; a success clears the account's count. Kept in memory: one Portico process
 * serves the admin, and a restart only gives an attacker what waiting would.
 */
export interface ThrottlePolicy {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

interface Failures {
  count: number;
  since: number;
  lockedUntil: number;
}

export const accountPolicy: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
export const addressPolicy: ThrottlePolicy = { maxFailures: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };
const maxKeys = 10_000;

export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();

  constructor(private readonly now: () => number) {}

  /** The time the first locked key opens again, or null when none of them is locked. */
  lockedUntil(keys: string[]): number | null {
    const now = this.now();
    const until = keys.map((key) => this.failures.get(key)?.lockedUntil ?? 0).filter((time) => time > now);
    return until.length ? Math.max(...until) : null;
  }

  fail(key: string, policy: ThrottlePolicy): void {
    const now = this.now();
    let entry = this.failures.get(key);
    if (!entry || now - entry.since > policy.windowMs) {
      if (this.failures.size >= maxKeys) this.prune(now, policy);
      entry = { count: 0, since: now, lockedUntil: 0 };
      this.failures.set(key, entry);
    }
    entry.count += 1;
    if (entry.count >= policy.maxFailures) entry.lockedUntil = now + policy.lockMs;
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  /** Forgets stale entries, so that many addresses cannot grow the map without bound. */
  private prune(now: number, policy: ThrottlePolicy): void {
    for (const [key, entry] of this.failures) {
      if (entry.lockedUntil <= now && now - entry.since > policy.windowMs) this.failures.delete(key);
    }
    if (this.failures.size >= maxKeys) this.failures.delete(this.failures.keys().next().value!);
  }
}
