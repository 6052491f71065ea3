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
    /** Derives a router login token from the state it is issued for, so that a repeated accept gets the same one. */
    loginToken: Buffer;
  };
  /** Milliseconds since the epoch; tests pass their own clock. */
  now: () => number;
  /** Counters served at /metrics. */
  metrics: Metrics;
  /** Request budgets per address, gateway and token, shared by every route. */
  limiters: RateLimiters;
}

export function createContext(config: Config, store: Store, secret: Buffer, now: () => number = Date.now): Context {
  return {
    config,
    store,
    keys: {
      guestState: deriveKey(secret, 'guest-state'),
      deviceId: deriveKey(secret, 'device-id'),
      adminSession: deriveKey(secret, 'admin-session'),
      // The label is part of the derivation: tokens already issued stay valid only while it is unchanged.
      loginToken: deriveKey(secret, 'wifidog-login-token'),
    },
    now,
    metrics: new Metrics(),
    limiters: createRateLimiters(config.rateLimits, now),
  };
}
