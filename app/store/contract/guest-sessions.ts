import type { Site } from './venues';

/** A login token waiting for its router to confirm it; only the token's SHA-256 is kept. */
export interface NewLoginToken {
  tokenHash: string;
  /** The acceptance the guest is let online on (a fresh one, or the remembered one). */
  acceptanceId: number;
  siteId: number;
  gatewayId: string;
  deviceId: string | null;
  clientMac: string | null;
  clientIp: string;
  tokenExpiresAt: number;
}

export type GuestSessionEndReason = 'logout' | 'session_length' | 'replaced';

/** A login token and, once the router confirmed it, the guest's session on the router. */
export interface GuestSession {
  id: number;
  acceptanceId: number | null;
  siteId: number;
  gatewayId: string | null;
  deviceId: string | null;
  clientMac: string | null;
  clientIp: string | null;
  tokenExpiresAt: number;
  startedAt: number | null;
  localDay: string | null;
  lastCountersAt: number | null;
  bytesIn: number;
  bytesOut: number;
  endedAt: number | null;
  endReason: GuestSessionEndReason | null;
  /** After this the router's next report is overdue and the session no longer counts as live; null before it started. */
  reportDueAt: number | null;
}

/** Who the router says is logging in with a token: all must match what the token was issued for. */
export interface LoginClaim {
  tokenHash: string;
  gatewayId: string;
  clientMac: string;
  clientIp: string;
}

/** Guests' sessions on routers that report them. */
export interface GuestSessionStore {
  /**
   * Stores a new login token (as its hash) for a guest about to be handed to the router; a token stored
   * already (the same page accepted again) is left as it is, used or not, and resolves to its row.
   */
  createLoginToken(token: NewLoginToken): Promise<GuestSession>;
  /**
   * Consumes a live, unused token whose gateway, IP and MAC (if it was issued with one) match the
   * claim, and starts its session at `at`, live until `reportDueAt` unless reported again; undefined if
   * there is no such token. Earlier sessions of the same MAC on the same router end as 'replaced' only if
   * their router's report is overdue: another login never ends a session its router still reports.
   */
  startGuestSession(site: Site, claim: LoginClaim, at: number, reportDueAt: number): Promise<GuestSession | undefined>;
  findGuestSession(tokenHash: string): Promise<GuestSession | undefined>;
  /** Stores a router's report of a live session (with its byte counters, when they are plausible); live until `reportDueAt`. */
  recordSessionReport(id: number, bytes: { in: number; out: number } | undefined, at: number, reportDueAt: number): Promise<void>;
  /** Ends a live session (no-op if it already ended), keeping its bytes for the statistics. */
  endGuestSession(id: number, reason: GuestSessionEndReason, at: number, bytes?: { in: number; out: number }): Promise<void>;
  /** Sessions started and not yet ended on one router, newest first. */
  liveGuestSessions(gatewayId: string): Promise<GuestSession[]>;
  /** When the newest live guest session of this address began, its report not overdue at `now`. */
  liveSessionStartByIp(siteId: number, ip: string, now: number): Promise<number | undefined>;
}
