export interface NewAcceptance {
  acceptedAt: number;
  gatewayId: string | null;
  termsVersionId: number;
  deviceId: string | null;
  clientMac: string | null;
  clientIp: string | null;
  userAgent: string | null;
  language: string;
  handoff: string;
  /** The nonce of the terms page's state (guests' acceptances): unique, so that a page is accepted once. */
  stateNonce?: string | null;
  /** The router's description of the guest could have been written by anyone (openNDS level 1): false when not said. */
  routerUnauthenticated?: boolean;
}

/** An acceptance with the figures it counts under, derived above the store (app/acceptance-record.ts). */
export interface AcceptanceRecord extends NewAcceptance {
  siteId: number;
  /** The venue's local day (YYYY-MM-DD), hour (0–23) and ISO weekday (1 = Monday) at acceptedAt. */
  localDay: string;
  localHour: number;
  localWeekday: number;
  deviceFamily: string;
  /** Whether the MAC is locally administered; null without a MAC. */
  macRandomised: boolean | null;
}

export interface Acceptance extends NewAcceptance {
  id: number;
  siteId: number;
  localDay: string;
}

export interface RecordedAcceptance extends Acceptance {
  /** True when its state nonce was accepted before: this is that earlier acceptance, and nothing was written. */
  repeat: boolean;
}

/** One row of `export acceptances`, ready for CSV or JSON. */
export interface AcceptanceExportRow {
  id: number;
  acceptedAt: string;
  localDay: string;
  gatewayId: string | null;
  termsRelease: number;
  termsLanguage: string;
  termsSha256: string;
  clientMac: string | null;
  clientIp: string | null;
  userAgent: string | null;
  language: string;
  handoff: string;
  routerUnauthenticated: boolean;
}

export interface AcceptanceFilter {
  siteId?: number;
  gatewayId?: string;
  /** Venue-local days, inclusive, YYYY-MM-DD. */
  fromDay?: string;
  toDay?: string;
}

/**
 * The acceptance log: the evidence that a guest accepted a terms release. Acceptances (and guest
 * sessions' starts) are recorded as they happen, in time order: the device figures count on it.
 */
export interface AcceptanceStore {
  /**
   * Commits the acceptance durably before it resolves; callers hand the guest on only afterwards. An
   * acceptance whose state nonce is stored already (a repeat, or the loser of a race) writes nothing and
   * resolves to the stored one, once that is committed. The statistics count it in the same transaction.
   */
  recordAcceptance(acceptance: AcceptanceRecord): Promise<RecordedAcceptance>;
  /** In venue-local day order, then recording order; a long export never blocks guests' acceptances. */
  exportAcceptances(filter: AcceptanceFilter): AsyncIterable<AcceptanceExportRow>;
  countAcceptances(filter: AcceptanceFilter): Promise<number>;
  /** The device's newest acceptance of the site's terms release `release` at or after `since`. */
  rememberedAcceptance(siteId: number, deviceId: string, release: number, since: number): Promise<Acceptance | undefined>;
  /**
   * When this address last accepted, since `since`, if that newest acceptance went through a router that
   * reports no sessions for it (no guest session belongs to the acceptance).
   */
  lastUnreportedAcceptanceByIp(siteId: number, ip: string, since: number): Promise<number | undefined>;
}
