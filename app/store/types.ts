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
}

export interface Acceptance extends NewAcceptance {
  id: number;
  siteId: number;
  localDay: string;
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
  /** Venue-local days, inclusive, YYYY-MM-DD. */
  fromDay?: string;
  toDay?: string;
}

export interface AdminUser {
  id: number;
  username: string;
  passwordHash: string;
  passwordChangedAt: number;
  createdAt: number;
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

  /** Commits the acceptance durably before it resolves; callers hand the guest on only afterwards. */
  recordAcceptance(site: Site, acceptance: NewAcceptance): Promise<Acceptance>;
  exportAcceptances(filter: AcceptanceFilter): AsyncIterable<AcceptanceExportRow>;
  countAcceptances(filter: AcceptanceFilter): Promise<number>;

  // — guest sessions and router health (WiFiDog, issue 3): add methods here —

  // — admin accounts, admin sessions and statistics (issue 4): add methods here —
  countAdminUsers(): Promise<number>;
  /** Throws StoreConflictError when the user name is taken (names compare without case). */
  addAdminUser(username: string, passwordHash: string, at: number): Promise<AdminUser>;
  getAdminUser(id: number): Promise<AdminUser | undefined>;
  findAdminUser(username: string): Promise<AdminUser | undefined>;
  setAdminPassword(id: number, passwordHash: string, at: number): Promise<void>;
  addSetupToken(tokenHash: string, at: number): Promise<void>;
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
  /** Removes a router; its acceptances and guest sessions keep their rows, with gateway_id NULL. */
  removeGateway(id: string): Promise<boolean>;

  // — guest page: languages, logo, captive-portal API (issue 5): add methods here —

  close(): Promise<void>;
}
