/**
 * The store's contract. Everything above the store speaks these types and awaits these methods,
 * so a PostgreSQL store can replace the embedded SQLite one without touching routes.
 */

export interface Site {
  id: number;
  name: string;
  websiteUrl: string;
  timezone: string;
  sessionMinutes: number;
  rememberDays: number;
  defaultLanguage: string;
  accentColor: string;
  /** SHA-256 of the venue's logo (served at logo/<sha256>.png), null without one. */
  logoSha256: string | null;
  createdAt: number;
}

export type SiteSettings = Pick<Site, 'name' | 'websiteUrl' | 'timezone' | 'sessionMinutes' | 'rememberDays' | 'defaultLanguage' | 'accentColor'>;

export interface TermsVersion {
  id: number;
  siteId: number;
  release: number;
  language: string;
  body: string;
  sha256: string;
  publishedAt: number;
}

export interface TermsVersionSummary extends TermsVersion {
  acceptances: number;
}

export interface Gateway {
  id: string;
  siteId: number;
  type: string;
  name: string;
  /** Owned by the gateway's driver, e.g. pfSense's { address }. */
  settings: Record<string, unknown>;
  createdAt: number;
  /** The router's last report of itself (WiFiDog ping); absent until it first calls. */
  lastContactAt?: number;
  /** Seconds since the router booted. */
  sysUptime?: number;
  /** Free memory in kB. */
  sysMemfree?: number;
  /** One-minute load average. */
  sysLoad?: number;
  /** Seconds the portal daemon (wifidog) has run. */
  daemonUptime?: number;
}

/** What a router reports about itself on each ping; null where it sent nothing readable. */
export interface GatewayHealth {
  sysUptime: number | null;
  sysMemfree: number | null;
  sysLoad: number | null;
  daemonUptime: number | null;
}

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
}

export interface AcceptanceFilter {
  siteId?: number;
  gatewayId?: string;
  /** Venue-local days, inclusive, YYYY-MM-DD. */
  fromDay?: string;
  toDay?: string;
}

/** Everything held about one device, for a data-subject request: rows as stored, column names as in the database. */
export interface GuestRecords {
  acceptances: Record<string, unknown>[];
  guestSessions: Record<string, unknown>[];
}

/** How many rows a purge or a forget changed. */
export interface PersonalDataChange {
  acceptances: number;
  guestSessions: number;
}

export interface AdminUser {
  id: number;
  username: string;
  passwordHash: string;
  passwordChangedAt: number;
  createdAt: number;
  /** Null when the account has not signed in since Portico started recording it. */
  lastSignInAt: number | null;
}

/** The sign-in lockout: attempts allowed in each window (see app/admin/login-throttle.ts). */
export interface SignInLimits {
  /** For one account (a name, known or not) from one address. */
  perAccountAndAddress: number;
  /** From one address, whatever the names. */
  perAddress: number;
  windowMs: number;
}

export interface StatisticsQuery {
  siteId: number;
  /** Venue-local days, inclusive, YYYY-MM-DD. */
  fromDay: string;
  toDay: string;
  /** Only what came through this router; a device is then "returning" if this router saw it before. */
  gatewayId?: string;
  /** For "online now": sessions whose router's next report is not overdue at this time. */
  now: number;
}

/** One venue-local day; days without any acceptance or device are left out. */
export interface DayFigures {
  day: string;
  acceptances: number;
  /** Devices seen that day (accepting, or online as remembered devices) for the first time ever. */
  newDevices: number;
  /** Devices seen that day that were seen on an earlier day. */
  returningDevices: number;
}

export interface StatisticsFigures {
  acceptances: number;
  uniqueDevices: number;
  /** Devices first seen ever within the period. */
  newDevices: number;
  /** Devices seen in the period that had been seen before it. */
  returningDevices: number;
  /** Devices of the period whose MAC was locally administered, of those whose MAC was known. */
  randomisedMacDevices: number;
  devicesWithMac: number;
  days: DayFigures[];
  /** Acceptances per venue-local weekday (1 = Monday) and hour (0–23); empty cells left out. */
  hours: { weekday: number; hour: number; acceptances: number }[];
  byTermsRelease: { release: number; acceptances: number }[];
  byLanguage: { language: string; acceptances: number }[];
  byDeviceFamily: { family: string; acceptances: number }[];
  /** Guest sessions (routers that report them) started in the period. */
  sessions: number;
  endedSessions: number;
  /** Over ended sessions; null when none ended. */
  averageSessionSeconds: number | null;
  medianSessionSeconds: number | null;
  /** Data used by the period's sessions, in and out. */
  bytes: number;
  /** Sessions running now, whatever day they started. */
  onlineNow: number;
}

export interface Store {
  getSite(id: number): Promise<Site | undefined>;
  /** The venue this installation serves when nothing names one. */
  getDefaultSite(): Promise<Site | undefined>;
  createSite(settings: SiteSettings, at: number): Promise<Site>;
  updateSite(id: number, settings: Partial<SiteSettings>): Promise<Site>;

  /** Publishes a new release with the given texts (one per language); old releases stay as they were. */
  publishTerms(siteId: number, texts: { language: string; body: string }[], at: number): Promise<TermsVersion[]>;
  /** The newest release's text in `language`, else in the site's default language, else any. */
  currentTerms(siteId: number, language?: string): Promise<TermsVersion | undefined>;
  getTermsVersion(id: number): Promise<TermsVersion | undefined>;
  listTerms(siteId: number): Promise<TermsVersionSummary[]>;

  addGateway(gateway: Omit<Gateway, 'createdAt'>, at: number): Promise<Gateway>;
  getGateway(id: string): Promise<Gateway | undefined>;
  listGateways(siteId?: number): Promise<Gateway[]>;

  /**
   * Commits the acceptance durably before it resolves; callers hand the guest on only afterwards. An
   * acceptance whose state nonce is stored already (a repeat, or the loser of a race) writes nothing and
   * resolves to the stored one, once that is committed.
   */
  recordAcceptance(site: Site, acceptance: NewAcceptance): Promise<RecordedAcceptance>;
  exportAcceptances(filter: AcceptanceFilter): AsyncIterable<AcceptanceExportRow>;
  countAcceptances(filter: AcceptanceFilter): Promise<number>;

  // — durability, monitoring and privacy (issue 6) —
  /** True when the database answers a query. */
  isHealthy(): Promise<boolean>;
  /** A consistent copy of the whole database to `file` while it stays in use (SQLite online backup). */
  backup(file: string): Promise<void>;
  /**
   * Clears raw MAC, IP and user agent from acceptances made before `before`, and MAC and IP from guest
   * sessions that ended (or never started) before it; acceptances stay as evidence with their device id.
   */
  purgePersonalData(before: number): Promise<PersonalDataChange>;
  /** Rows naming this MAC or this device id. */
  findGuestRecords(mac: string, deviceId: string): Promise<GuestRecords>;
  /**
   * Clears the personal fields and device id of this device's acceptances and deletes its guest sessions;
   * the statistics keep counting it under a random id that nothing links to the device.
   */
  forgetGuest(mac: string, deviceId: string): Promise<PersonalDataChange>;

  // — guest sessions and router health (WiFiDog, issue 3): add methods here —
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
  /** The device's newest acceptance of the site's terms release `release` at or after `since`. */
  rememberedAcceptance(siteId: number, deviceId: string, release: number, since: number): Promise<Acceptance | undefined>;
  /** Records a router's ping; false if no gateway has that id. */
  recordGatewayContact(gatewayId: string, health: GatewayHealth, at: number): Promise<boolean>;

  // — admin accounts, admin sessions and statistics (issue 4): add methods here —
  countAdminUsers(): Promise<number>;
  /** Throws StoreConflictError when the user name is taken (names compare without case). */
  addAdminUser(username: string, passwordHash: string, at: number): Promise<AdminUser>;
  getAdminUser(id: number): Promise<AdminUser | undefined>;
  findAdminUser(username: string): Promise<AdminUser | undefined>;
  setAdminPassword(id: number, passwordHash: string, at: number): Promise<void>;
  /** Every admin account, by name. */
  listAdminUsers(): Promise<AdminUser[]>;
  /**
   * Deletes an admin account and its sessions, in one transaction; throws StoreConflictError for the
   * last one (no admin would be left to sign in).
   */
  removeAdminUser(id: number): Promise<void>;
  /**
   * Counts a sign-in attempt of `account` from `address` against both limits before its password is
   * checked, in one transaction: null when it may go ahead (and is counted), else the time the limit
   * that refuses it ends (and nothing is counted).
   */
  reserveSignInAttempt(account: string, address: string, limits: SignInLimits, now: number): Promise<number | null>;
  /**
   * The attempt had the right password: forgets the account's attempts from that address, gives the
   * address its attempt back and records the user's sign-in.
   */
  signInSucceeded(userId: number, account: string, address: string, at: number): Promise<void>;
  /** Forgets an account's attempts from every address; the number of addresses it had attempts from. */
  clearSignInAttempts(account: string): Promise<number>;
  /** How many addresses the account is locked out from now, and until when; undefined when none. */
  signInLockout(account: string, limits: SignInLimits, now: number): Promise<{ addresses: number; until: number } | undefined>;
  /** Makes this the one setup token that works: every earlier unused one stops working, in one transaction. */
  replaceSetupToken(tokenHash: string, at: number): Promise<void>;
  /** Whether a setup token would still create the first admin (createFirstAdmin checks again, atomically). */
  setupTokenWorks(tokenHash: string): Promise<boolean>;
  /**
   * Creates the first admin with an unused setup token, marking it used, in one transaction;
   * undefined when the token is unknown or used, or an admin exists already.
   */
  createFirstAdmin(tokenHash: string, username: string, passwordHash: string, at: number): Promise<AdminUser | undefined>;
  /** Session data (JSON) by the SHA-256 of the session id, unless expired. */
  getAdminSession(sidHash: string, now: number): Promise<string | undefined>;
  saveAdminSession(sidHash: string, data: string, expiresAt: number): Promise<void>;
  touchAdminSession(sidHash: string, expiresAt: number): Promise<void>;
  deleteAdminSession(sidHash: string): Promise<void>;
  deleteExpiredAdminSessions(now: number): Promise<number>;
  /** Stores the (already resized) PNG and makes it the site's logo; unused logos are deleted. */
  setLogo(siteId: number, png: Buffer, at: number): Promise<Site>;
  getLogo(sha256: string): Promise<Buffer | undefined>;
  /** Changes a router's name; false when there is no such router. */
  renameGateway(id: string, name: string): Promise<boolean>;
  /** Replaces a router's settings (its driver's, checked); false when there is no such router. */
  setGatewaySettings(id: string, settings: Record<string, unknown>): Promise<boolean>;
  /** Removes a router; its acceptances and guest sessions keep their rows, with gateway_id NULL. */
  removeGateway(id: string): Promise<boolean>;

  /** The dashboard's figures for venue-local days [fromDay, toDay], for the venue or one of its routers. */
  statistics(query: StatisticsQuery): Promise<StatisticsFigures>;

  // — guest page: languages, logo, captive-portal API (issue 5): add methods here —
  /** When the newest live guest session of this address began (routers that report sessions), its report not overdue at `now`. */
  liveSessionStartByIp(siteId: number, ip: string, now: number): Promise<number | undefined>;
  /**
   * When this address last accepted, since `since`, if that newest acceptance went through a router that
   * reports no sessions for it (pfSense: no guest_sessions row belongs to the acceptance).
   */
  lastUnreportedAcceptanceByIp(siteId: number, ip: string, since: number): Promise<number | undefined>;

  close(): Promise<void>;
}
