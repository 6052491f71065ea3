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

/**
 * The operators' overview of all venues. The period is venue-local days, applied to each venue in its own
 * time zone: 2026-05-04 is Berlin's 4 May for a Berlin venue and New York's for a New York one, so the same
 * instant can fall inside the period for one venue and outside it for another.
 */
export interface VenueOverviewQuery {
  /** Venue-local days, inclusive, YYYY-MM-DD. */
  fromDay: string;
  toDay: string;
  /** Only these venues (any order; unknown ids are ignored); every venue when absent. Removed venues are left out either way. */
  siteIds?: number[];
  /** For "online now", as in StatisticsQuery. */
  now: number;
}

/** One venue's row of the overview; its figures mean exactly what the same names mean in StatisticsFigures for the whole venue. */
export interface VenueOverviewFigures {
  siteId: number;
  acceptances: number;
  /** Devices seen in the period (accepting, or online as remembered devices). */
  uniqueDevices: number;
  /** Of those, devices first seen ever within the period. */
  newDevices: number;
  /** Guest sessions started in the period. */
  sessions: number;
  /** Sessions running now, whatever day they started. */
  onlineNow: number;
  /** The latest accepted_at of all the venue's acceptances, whatever the period; null for a venue without any. */
  lastAcceptanceAt: number | null;
}

/** The dashboard's figures, kept up to date by the writes that change them (see AcceptanceStore, GuestSessionStore). */
export interface StatisticsStore {
  /**
   * The figures for venue-local days [fromDay, toDay], for the venue or one of its routers, all from one
   * consistent snapshot; the guests' personal data being purged or forgotten changes none of them.
   */
  statistics(query: StatisticsQuery): Promise<StatisticsFigures>;
  /**
   * One row per venue not removed (of query.siteIds when given), by venue id, with zeros for a venue
   * without anything in the period; all rows from one consistent snapshot, each read from the venue's
   * own roll-ups and index ranges (never a scan of every venue's rows).
   */
  venueOverview(query: VenueOverviewQuery): Promise<VenueOverviewFigures[]>;
}
