/**
 * A guest session offered to a router for an acceptance, waiting for the router to start it. Its key is
 * the router driver's, unique on that router: the SHA-256 of a login token (the token itself is never
 * stored), or a RADIUS router's accounting session id.
 */
export interface NewGuestSession {
  gatewayId: string;
  sessionKey: string;
  /** The acceptance the guest is let online on (a fresh one, or the remembered one). */
  acceptanceId: number;
  siteId: number;
  deviceId: string | null;
  clientMac: string | null;
  clientIp: string;
  /** Not started by then, it never starts. */
  startBy: number;
}

/**
 * Why a session ended: the guest logged out, the venue's session length ran out, a newer login of the
 * device replaced it, or (as RADIUS routers report) it was idle, the router's admin ended it, the router
 * restarted, or the router ended it for another reason.
 */
export type GuestSessionEndReason = 'logout' | 'session_length' | 'replaced' | 'idle' | 'admin' | 'router_restart' | 'router';

/** A session offered to a router and, once the router started it, the guest's time online there. */
export interface GuestSession {
  id: number;
  acceptanceId: number | null;
  siteId: number;
  gatewayId: string | null;
  deviceId: string | null;
  clientMac: string | null;
  clientIp: string | null;
  startBy: number;
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

/** The router's word that a session begins: who it says the guest is must match what the session was offered to. */
export interface SessionStart {
  gatewayId: string;
  sessionKey: string;
  /** Null when neither the router nor the offer knows it (pfSense without MAC filtering on a routed guest network). */
  clientMac: string | null;
  clientIp: string;
  at: number;
  /** The venue-local day of `at` (YYYY-MM-DD), derived above the store. */
  localDay: string;
  /** Live until then unless the router reports it again. */
  reportDueAt: number;
}

/** Guests' sessions on routers that report them. */
export interface GuestSessionStore {
  /**
   * Offers a session to its router; one offered already under that key on that router (the same page
   * accepted again) is left as it is, started or not, and resolves to its row.
   */
  openGuestSession(session: NewGuestSession): Promise<GuestSession>;
  /**
   * Starts the offered, unstarted, unexpired session with that key on that router if the address and the
   * MAC (if it was offered with one; else it takes the reported one) match, in one transaction: two racing
   * starts cannot both win; undefined if there is no such session. In the same transaction, earlier live
   * sessions of the same MAC on the same router end as 'replaced', at their last report, but only those
   * whose router's report is overdue (another login never ends a session its router still reports), and
   * the device counts as seen that day for the statistics.
   */
  startGuestSession(start: SessionStart): Promise<GuestSession | undefined>;
  findGuestSession(gatewayId: string, sessionKey: string): Promise<GuestSession | undefined>;
  /** Stores a router's report of a live session (with its byte counters, when they are plausible); live until `reportDueAt`. */
  recordSessionReport(id: number, bytes: { in: number; out: number } | undefined, at: number, reportDueAt: number): Promise<void>;
  /** Ends a live session (no-op if it already ended), keeping its bytes for the statistics. */
  endGuestSession(id: number, reason: GuestSessionEndReason, at: number, bytes?: { in: number; out: number }): Promise<void>;
  /** Sessions started and not yet ended on one router, newest first. */
  liveGuestSessions(gatewayId: string): Promise<GuestSession[]>;
  /** When the newest live guest session of this address began, its report not overdue at `now`. */
  liveSessionStartByIp(siteId: number, ip: string, now: number): Promise<number | undefined>;
}
