import type Database from 'better-sqlite3';
import { toStatisticsFigures } from '../rows';
import type { StatisticsFigures, StatisticsQuery, StatisticsStore, VenueOverviewFigures, VenueOverviewQuery } from '../types';
import type { Connection } from './connection';

type StatisticsParams = { siteId: number; fromDay: string; toDay: string; gatewayId: string | null; now: number };
type Count = { acceptances: number };

/**
 * The dashboard's statements. They read the roll-ups (migrations 005, 009, 010) and the
 * covering index on guest_sessions, each a range of the period's days: never the acceptances table.
 */
function prepareStatistics(db: Database.Database) {
  const where = `WHERE c.site_id = @siteId AND c.local_day BETWEEN @fromDay AND @toDay AND (@gatewayId IS NULL OR c.gateway_id = @gatewayId)`;
  const hours = `FROM acceptance_hours c ${where}`;
  const breakdowns = `FROM acceptance_breakdowns c ${where}`;
  const sessions = `FROM guest_sessions s WHERE s.site_id = @siteId AND s.local_day BETWEEN @fromDay AND @toDay
    AND (@gatewayId IS NULL OR s.gateway_id = @gatewayId) AND s.started_at IS NOT NULL`;
  return {
    acceptancesByDay: db.prepare<StatisticsParams, Count & { day: string }>(
      `SELECT c.local_day AS day, sum(c.acceptances) AS acceptances ${hours} GROUP BY c.local_day ORDER BY c.local_day`),
    acceptancesByHour: db.prepare<StatisticsParams, Count & { weekday: number; hour: number }>(`
      SELECT c.local_weekday AS weekday, c.local_hour AS hour, sum(c.acceptances) AS acceptances ${hours}
      GROUP BY c.local_weekday, c.local_hour ORDER BY weekday, hour`),
    acceptancesByRelease: db.prepare<StatisticsParams, Count & { release: number }>(`
      SELECT t.release, sum(c.acceptances) AS acceptances FROM terms_versions t JOIN (SELECT c.terms_version_id, c.acceptances ${breakdowns}) c
        ON c.terms_version_id = t.id GROUP BY t.release ORDER BY t.release DESC`),
    acceptancesByLanguage: db.prepare<StatisticsParams, Count & { language: string }>(
      `SELECT c.language, sum(c.acceptances) AS acceptances ${breakdowns} GROUP BY c.language ORDER BY acceptances DESC, c.language`),
    acceptancesByFamily: db.prepare<StatisticsParams, Count & { family: string }>(
      `SELECT c.device_family AS family, sum(c.acceptances) AS acceptances ${breakdowns} GROUP BY c.device_family ORDER BY acceptances DESC, family`),
    // A device's first day in the period is the one whose previous day lies before the period ('' = none).
    devicesByDay: db.prepare<StatisticsParams, {
      day: string; newDevices: number; returningDevices: number; firstInPeriod: number; randomised: number; withMac: number;
    }>(`
      SELECT d.local_day AS day, sum(d.devices * (d.prev_day = '')) AS newDevices, sum(d.devices * (d.prev_day <> '')) AS returningDevices,
        sum(d.devices * (d.prev_day < @fromDay)) AS firstInPeriod,
        sum(d.devices * (d.prev_day < @fromDay AND d.mac_randomised = 1)) AS randomised,
        sum(d.devices * (d.prev_day < @fromDay AND d.mac_randomised >= 0)) AS withMac
      FROM device_day_counts d WHERE d.site_id = @siteId AND d.scope = coalesce(@gatewayId, '*') AND d.local_day BETWEEN @fromDay AND @toDay
      GROUP BY d.local_day`),
    // median() is built into the SQLite that better-sqlite3 bundles: one scan of the period's sessions gives the
    // ended ones' middle length, where ORDER BY … OFFSET took a second scan and a sort (at 1 M: 31 → 11 ms).
    sessions: db.prepare<StatisticsParams, { sessions: number; ended: number; endedMs: number; bytes: number; medianMs: number | null }>(`
      -- total() adds in floating point: what routers reported can never overflow the sum (sum() raises on it).
      SELECT count(*) AS sessions, count(s.ended_at) AS ended, total(s.ended_at - s.started_at) AS endedMs,
        total(s.bytes_in) + total(s.bytes_out) AS bytes, median(s.ended_at - s.started_at) AS medianMs ${sessions}`),
    // A session its router stopped reporting is not online, though nothing ended it (migration 012).
    onlineNow: db.prepare<StatisticsParams, number>(`
      SELECT count(*) FROM gateways g JOIN guest_sessions s ON s.gateway_id = g.id AND s.ended_at IS NULL
      WHERE g.site_id = @siteId AND (@gatewayId IS NULL OR g.id = @gatewayId) AND s.started_at IS NOT NULL AND s.report_due_at > @now`).pluck(),
  };
}

function readStatistics(sql: StatisticsStatements, query: StatisticsQuery): StatisticsFigures {
  const params = { siteId: query.siteId, fromDay: query.fromDay, toDay: query.toDay, gatewayId: query.gatewayId ?? null, now: query.now };
  return toStatisticsFigures({
    devicesByDay: sql.devicesByDay.all(params),
    acceptancesByDay: sql.acceptancesByDay.all(params),
    sessions: sql.sessions.get(params)!,
    hours: sql.acceptancesByHour.all(params),
    byTermsRelease: sql.acceptancesByRelease.all(params),
    byLanguage: sql.acceptancesByLanguage.all(params),
    byDeviceFamily: sql.acceptancesByFamily.all(params),
    onlineNow: sql.onlineNow.get(params)!,
  });
}

type StatisticsStatements = ReturnType<typeof prepareStatistics>;

type OverviewParams = { fromDay: string; toDay: string; siteIds: string | null; now: number };

/**
 * The operators' overview: one row per venue, each figure a subquery on that venue's own key range (the
 * roll-ups' and indexes' leading site_id), so the statement walks the venues one by one and reads what
 * the dashboard of each would, never a scan across venues. The last acceptance: acceptances arrive in
 * time order, but their local_day is in the zone of the venue when they came, which can have changed;
 * two zones are at most 26 hours apart, so the latest instant lies on one of the last three local days,
 * read from the index on (site_id, local_day).
 */
function prepareOverview(db: Database.Database) {
  return db.prepare<OverviewParams, VenueOverviewFigures>(`
    SELECT s.id AS siteId,
      (SELECT coalesce(sum(h.acceptances), 0) FROM acceptance_hours h
        WHERE h.site_id = s.id AND h.local_day BETWEEN @fromDay AND @toDay) AS acceptances,
      (SELECT coalesce(sum(d.devices), 0) FROM device_day_counts d
        WHERE d.site_id = s.id AND d.scope = '*' AND d.local_day BETWEEN @fromDay AND @toDay AND d.prev_day < @fromDay) AS uniqueDevices,
      (SELECT coalesce(sum(d.devices), 0) FROM device_day_counts d
        WHERE d.site_id = s.id AND d.scope = '*' AND d.local_day BETWEEN @fromDay AND @toDay AND d.prev_day = '') AS newDevices,
      (SELECT count(*) FROM guest_sessions g
        WHERE g.site_id = s.id AND g.local_day BETWEEN @fromDay AND @toDay AND g.started_at IS NOT NULL) AS sessions,
      -- Router by router (the index on gateway_id, ended_at), not through every venue's live sessions.
      (SELECT count(*) FROM guest_sessions g
        WHERE g.gateway_id IN (SELECT r.id FROM gateways r WHERE r.site_id = s.id) AND g.ended_at IS NULL
          AND g.started_at IS NOT NULL AND g.report_due_at > @now) AS onlineNow,
      (SELECT max(a.accepted_at) FROM acceptances a
        WHERE a.site_id = s.id AND a.local_day >= date((SELECT max(l.local_day) FROM acceptances l WHERE l.site_id = s.id), '-2 days')) AS lastAcceptanceAt
    FROM sites s
    WHERE s.removed_at IS NULL AND (@siteIds IS NULL OR s.id IN (SELECT value FROM json_each(@siteIds)))
    ORDER BY s.id`);
}

export function sqliteStatistics({ db }: Connection): StatisticsStore {
  const sql = prepareStatistics(db);
  // One read transaction: every figure from the same snapshot, even while guests are accepting.
  const read = db.transaction((query: StatisticsQuery) => readStatistics(sql, query));
  const overview = prepareOverview(db);
  return {
    async statistics(query) {
      return read(query);
    },
    // One statement: one snapshot.
    async venueOverview(query: VenueOverviewQuery) {
      return overview.all({
        fromDay: query.fromDay, toDay: query.toDay, now: query.now, siteIds: query.siteIds === undefined ? null : JSON.stringify(query.siteIds),
      });
    },
  };
}
