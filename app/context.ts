import type { Config } from './config';
import { Metrics } from './metrics';
import { createRateLimiters, type RateLimiters } from './rate-limit';
import { deriveKey } from './secret';
import type { Store } from './store/types';

/** What every route and command works with: built once at start, passed down, never global. */
export interface Context {
  config: Config;
  store: Store;
  keys: {
    /** Signs the state that travels through the guest's browser. */
    guestState: Buffer;
    /** Keys the pseudonymous device id (HMAC of the MAC). */
    deviceId: Buffer;
    /** Signs the admin session cookie. */
    adminSession: Buffer;
  };
  /** A key of a driver's own (a router login token's), derived from the installation secret by its purpose. */
  driverKey(purpose: string): Buffer;
  /** Milliseconds since the epoch; tests pass their own clock. */
  now: () => number;
  /** Counters served at /metrics. */
  metrics: Metrics;
  /** Request budgets per address, gateway and token, shared by every route. */
  limiters: RateLimiters;
}

export function createContext(config: Config, store: Store, secret: Buffer, now: () => number = Date.now): Context {
  const driverKeys = new Map<string, Buffer>();
  return {
    config,
    store,
    keys: {
      guestState: deriveKey(secret, 'guest-state'),
      deviceId: deriveKey(secret, 'device-id'),
      adminSession: deriveKey(secret, 'admin-session'),
    },
    driverKey: (purpose) => {
      let key = driverKeys.get(purpose);
      if (!key) driverKeys.set(purpose, (key = deriveKey(secret, purpose)));
      return key;
    },
    now,
    metrics: new Metrics(),
    limiters: createRateLimiters(config.rateLimits, now),
  };
}
