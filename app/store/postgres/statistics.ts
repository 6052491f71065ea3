import { toStatisticsFigures, type StatisticsRows } from '../rows';
import type { StatisticsStore, VenueOverviewFigures } from '../types';
import type { Connection } from './connection';

// $1 site, $2 first day, $3 last day, $4 router or null.
const where = 'WHERE c.site_id = $1 AND c.local_day BETWEEN $2 AND $3 AND ($4::text IS NULL OR c.gateway_id = $4::text)';
const hours = `FROM acceptance_hours c ${where}`;
const breakdowns = `FROM acceptance_breakdowns c ${where}`;

/**
 * The dashboard's figures, as the SQLite store's statements (app/store/sqlite/statistics.ts): they read the roll-ups
 * and the covering index on guest_sessions, each a range of the period's days, never the acceptances. Here they are
 * one statement, so one snapshot without a transaction and one round trip: $1 site, $2 first day, $3 last day,
 * $4 router or null, $5 now.
 */
const parts = {
  acceptancesByDay: `SELECT c.local_day AS day, sum(c.acceptances) AS acceptances ${hours} GROUP BY c.local_day`,
  hours: `SELECT c.local_weekday AS weekday, c.local_hour AS hour, sum(c.acceptances) AS acceptances ${hours} GROUP BY c.local_weekday, c.local_hour`,
  byTermsRelease: `SELECT t.release, sum(c.acceptances) AS acceptances FROM terms_versions t JOIN (SELECT c.terms_version_id, c.acceptances ${breakdowns}) c
    ON c.terms_version_id = t.id GROUP BY t.release`,
  byLanguage: `SELECT c.language, sum(c.acceptances) AS acceptances ${breakdowns} GROUP BY c.language`,
  byDeviceFamily: `SELECT c.device_family AS family, sum(c.acceptances) AS acceptances ${breakdowns} GROUP BY c.device_family`,
  // A device's first day in the period is the one whose previous day lies before the period ('' = none).
  devicesByDay: `SELECT d.local_day AS day,
      sum(d.devices) FILTER (WHERE d.prev_day = '') AS "newDevices", sum(d.devices) FILTER (WHERE d.prev_day <> '') AS "returningDevices",
      sum(d.devices) FILTER (WHERE d.prev_day < $2) AS "firstInPeriod",
      sum(d.devices) FILTER (WHERE d.prev_day < $2 AND d.mac_randomised = 1) AS randomised,
      sum(d.devices) FILTER (WHERE d.prev_day < $2 AND d.mac_randomised >= 0) AS "withMac"
    FROM device_day_counts d WHERE d.site_id = $1 AND d.scope = coalesce($4::text, '*') AND d.local_day BETWEEN $2 AND $3
    GROUP BY d.local_day`,
  // In floating point, as SQLite's total(): what routers reported can never overflow the sum.
  sessions: `SELECT count(*) AS sessions, count(s.ended_at) AS ended, coalesce(sum((s.ended_at - s.started_at)::float8), 0) AS "endedMs",
      coalesce(sum(s.bytes_in::float8), 0) + coalesce(sum(s.bytes_out::float8), 0) AS bytes,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY s.ended_at - s.started_at) AS "medianMs"
    FROM guest_sessions s WHERE s.site_id = $1 AND s.local_day BETWEEN $2 AND $3
      AND ($4::text IS NULL OR s.gateway_id = $4::text) AND s.started_at IS NOT NULL`,
  // A session its router stopped reporting is not online, though nothing ended it.
  onlineNow: `SELECT count(*) AS n FROM gateways g JOIN guest_sessions s ON s.gateway_id = g.id AND s.ended_at IS NULL
    WHERE g.site_id = $1 AND ($4::text IS NULL OR g.id = $4::text) AND s.started_at IS NOT NULL AND s.report_due_at > $5`,
};

/** A part's rows as one JSON array, in the contract's order. */
const rowsAsJson = (part: string, order: string) => `(SELECT coalesce(json_agg(r ORDER BY ${order}), '[]') FROM (${part}) r)`;

const statistics = `SELECT ${rowsAsJson(parts.devicesByDay, 'r.day')} AS "devicesByDay",
    ${rowsAsJson(parts.acceptancesByDay, 'r.day')} AS "acceptancesByDay",
    (SELECT row_to_json(r) FROM (${parts.sessions}) r) AS sessions,
    ${rowsAsJson(parts.hours, 'r.weekday, r.hour')} AS hours,
    ${rowsAsJson(parts.byTermsRelease, 'r.release DESC')} AS "byTermsRelease",
    ${rowsAsJson(parts.byLanguage, 'r.acceptances DESC, r.language')} AS "byLanguage",
    ${rowsAsJson(parts.byDeviceFamily, 'r.acceptances DESC, r.family')} AS "byDeviceFamily",
    (${parts.onlineNow}) AS "onlineNow"`;

/**
 * The operators' overview, as the SQLite store's (app/store/sqlite/statistics.ts prepareOverview): one row per
 * venue, each figure a subquery on that venue's own key range. $1 first day, $2 last day, $3 venue ids or
 * null for all, $4 now.
 */
const overview = `SELECT s.id AS "siteId",
    (SELECT coalesce(sum(h.acceptances), 0) FROM acceptance_hours h
      WHERE h.site_id = s.id AND h.local_day BETWEEN $1 AND $2) AS acceptances,
    (SELECT coalesce(sum(d.devices), 0) FROM device_day_counts d
      WHERE d.site_id = s.id AND d.scope = '*' AND d.local_day BETWEEN $1 AND $2 AND d.prev_day < $1) AS "uniqueDevices",
    (SELECT coalesce(sum(d.devices), 0) FROM device_day_counts d
      WHERE d.site_id = s.id AND d.scope = '*' AND d.local_day BETWEEN $1 AND $2 AND d.prev_day = '') AS "newDevices",
    (SELECT count(*) FROM guest_sessions g
      WHERE g.site_id = s.id AND g.local_day BETWEEN $1 AND $2 AND g.started_at IS NOT NULL) AS sessions,
    (SELECT count(*) FROM gateways r JOIN guest_sessions g ON g.gateway_id = r.id AND g.ended_at IS NULL
      WHERE r.site_id = s.id AND g.started_at IS NOT NULL AND g.report_due_at > $4) AS "onlineNow",
    -- The latest instant lies on one of the venue's last three local days (zones are at most 26 hours apart).
    (SELECT max(a.accepted_at) FROM acceptances a
      WHERE a.site_id = s.id AND a.local_day >= ((SELECT max(l.local_day) FROM acceptances l WHERE l.site_id = s.id)::date - 2)::text) AS "lastAcceptanceAt"
  FROM sites s
  WHERE s.removed_at IS NULL AND ($3::bigint[] IS NULL OR s.id = ANY($3::bigint[]))
  ORDER BY s.id`;

export function postgresStatistics({ db }: Connection): StatisticsStore {
  return {
    async statistics(query) {
      return toStatisticsFigures((await db.row<StatisticsRows>(statistics, [query.siteId, query.fromDay, query.toDay, query.gatewayId ?? null, query.now]))!);
    },
    // One statement: one snapshot.
    async venueOverview(query) {
      return db.rows<VenueOverviewFigures>(overview, [query.fromDay, query.toDay, query.siteIds ?? null, query.now]);
    },
  };
}
