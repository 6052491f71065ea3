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
  gatewayId?: string;
  /** Venue-local days, inclusive, YYYY-MM-DD. */
  fromDay?: string;
  toDay?: string;
}

export interface StatisticsQuery {
  siteId: number;
  /** Venue-local days, inclusive, YYYY-MM-DD. */
  fromDay: string;
  toDay: string;
  /** Only what came through this router; a device is then "returning" if this router saw it before. */
  gatewayId?: string;
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

  /** Commits the acceptance durably before it resolves; callers hand the guest on only afterwards. */
  recordAcceptance(site: Site, acceptance: NewAcceptance): Promise<Acceptance>;
  exportAcceptances(filter: AcceptanceFilter): AsyncIterable<AcceptanceExportRow>;
  countAcceptances(filter: AcceptanceFilter): Promise<number>;

  // — guest sessions and router health (WiFiDog, issue 3): add methods here —

  // — admin accounts, admin sessions and statistics (issue 4): add methods here —

  /** The dashboard's figures for venue-local days [fromDay, toDay], for the venue or one of its routers. */
  statistics(query: StatisticsQuery): Promise<StatisticsFigures>;

  // — guest page: languages, logo, captive-portal API (issue 5): add methods here —

  close(): Promise<void>;
}
