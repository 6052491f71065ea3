import type { DayFigures, GuestSession, GuestSessionEndReason, RadiusCredential, Site, SiteSettings, StatisticsFigures } from './types';

/*
 * The rows both stores read, named as the schema names them (the same in SQLite and PostgreSQL, whose
 * bigints the PostgreSQL store reads as numbers), and the contract's objects made from them.
 */

export interface SiteRow {
  id: number; slug: string; name: string; website_url: string; timezone: string; session_minutes: number; remember_days: number;
  default_language: string; accent_color: string; logo_sha256: string | null; guest_page_previewed_at: number | null; created_at: number;
  removed_at: number | null;
}

/** The column of each venue setting, for the updates that change only the settings given. */
export const siteColumns: Record<keyof SiteSettings | 'slug', string> = {
  slug: 'slug', name: 'name', websiteUrl: 'website_url', timezone: 'timezone', sessionMinutes: 'session_minutes',
  rememberDays: 'remember_days', defaultLanguage: 'default_language', accentColor: 'accent_color',
};

export function toSite(row: SiteRow): Site {
  return {
    id: row.id, slug: row.slug, name: row.name, websiteUrl: row.website_url, timezone: row.timezone, sessionMinutes: row.session_minutes,
    rememberDays: row.remember_days, defaultLanguage: row.default_language, accentColor: row.accent_color, logoSha256: row.logo_sha256,
    guestPagePreviewedAt: row.guest_page_previewed_at, createdAt: row.created_at, removedAt: row.removed_at,
  };
}

export interface GuestSessionRow {
  id: number; acceptance_id: number | null; site_id: number; gateway_id: string | null; session_key: string; device_id: string | null;
  client_mac: string | null; client_ip: string | null; start_by: number; started_at: number | null; local_day: string | null;
  last_counters_at: number | null; bytes_in: number; bytes_out: number; ended_at: number | null; end_reason: GuestSessionEndReason | null;
  report_due_at: number | null;
}

export function toGuestSession(row: GuestSessionRow): GuestSession {
  return {
    id: row.id, acceptanceId: row.acceptance_id, siteId: row.site_id, gatewayId: row.gateway_id, deviceId: row.device_id,
    clientMac: row.client_mac, clientIp: row.client_ip, startBy: row.start_by, startedAt: row.started_at,
    localDay: row.local_day, lastCountersAt: row.last_counters_at, bytesIn: row.bytes_in, bytesOut: row.bytes_out,
    endedAt: row.ended_at, endReason: row.end_reason, reportDueAt: row.report_due_at,
  };
}

export interface RadiusCredentialRow {
  username: string; gateway_id: string; acceptance_id: number; site_id: number; client_mac: string | null; client_ip: string; language: string;
  issued_at: number; use_by: number; accepted_at: number | null; session_key: string | null;
}

export function toCredential(row: RadiusCredentialRow): RadiusCredential {
  return {
    username: row.username, gatewayId: row.gateway_id, acceptanceId: row.acceptance_id, siteId: row.site_id, clientMac: row.client_mac,
    clientIp: row.client_ip, language: row.language, issuedAt: row.issued_at, useBy: row.use_by, acceptedAt: row.accepted_at, sessionKey: row.session_key,
  };
}

/** A device seen on a venue-local day: accepting, or going online on an earlier acceptance. */
export interface DeviceSighting {
  siteId: number;
  gatewayId: string | null;
  deviceId: string;
  localDay: string;
  /** 1, 0, or null without a MAC. */
  macRandomised: number | null;
}

/** The dashboard's statements' rows (PostgreSQL's FILTERed sums are null where no row matched). */
export interface StatisticsRows extends Pick<StatisticsFigures, 'hours' | 'byTermsRelease' | 'byLanguage' | 'byDeviceFamily' | 'onlineNow'> {
  devicesByDay: { day: string; newDevices: number | null; returningDevices: number | null; firstInPeriod: number | null; randomised: number | null; withMac: number | null }[];
  acceptancesByDay: { day: string; acceptances: number }[];
  sessions: { sessions: number; ended: number; endedMs: number; bytes: number; medianMs: number | null };
}

export function toStatisticsFigures(rows: StatisticsRows): StatisticsFigures {
  const devicesByDay = new Map(rows.devicesByDay.map((day) => [day.day, day]));
  const acceptancesByDay = new Map(rows.acceptancesByDay.map((day) => [day.day, day.acceptances]));
  // A remembered device can be seen on a day without any acceptance.
  const days: DayFigures[] = [...new Set([...acceptancesByDay.keys(), ...devicesByDay.keys()])].sort().map((day) => ({
    day, acceptances: acceptancesByDay.get(day) ?? 0,
    newDevices: devicesByDay.get(day)?.newDevices ?? 0, returningDevices: devicesByDay.get(day)?.returningDevices ?? 0,
  }));
  const sum = (key: 'firstInPeriod' | 'newDevices' | 'randomised' | 'withMac') => rows.devicesByDay.reduce((total, day) => total + (day[key] ?? 0), 0);
  const uniqueDevices = sum('firstInPeriod');
  const newDevices = sum('newDevices');
  const { sessions } = rows;
  return {
    acceptances: days.reduce((total, day) => total + day.acceptances, 0),
    uniqueDevices, newDevices, returningDevices: uniqueDevices - newDevices,
    randomisedMacDevices: sum('randomised'), devicesWithMac: sum('withMac'),
    days,
    hours: rows.hours,
    byTermsRelease: rows.byTermsRelease,
    byLanguage: rows.byLanguage,
    byDeviceFamily: rows.byDeviceFamily,
    sessions: sessions.sessions,
    endedSessions: sessions.ended,
    averageSessionSeconds: sessions.ended === 0 ? null : sessions.endedMs / sessions.ended / 1000,
    medianSessionSeconds: sessions.medianMs === null ? null : sessions.medianMs / 1000,
    bytes: sessions.bytes,
    onlineNow: rows.onlineNow,
  };
}
