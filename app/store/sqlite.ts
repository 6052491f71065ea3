import { StoreConflictError } from '../errors';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { deviceFamily } from '../device-family';
import { isRandomisedMac } from '../random-mac';
import { localCalendar } from '../venue-time';
import { startCheckpointer, type Checkpointer } from './checkpointer';
import { applyMigrations } from './migrate';
import { createPrivateFile, keepPrivate } from './private-files';
import type {
  AdminUser, Acceptance, AcceptanceExportRow, AcceptanceFilter, Gateway, GatewayHealth, GuestRecords, GuestSession, GuestSessionEndReason,
  LoginClaim, NewAcceptance, NewLoginToken, PersonalDataChange, RecordedAcceptance, SignInLimits, Site, SiteSettings, Store, TermsVersion,
  TermsVersionSummary,
} from './types';
import type { DayFigures, StatisticsFigures, StatisticsQuery } from './types';


/** Rows a purge batch changes: a few milliseconds of work between two turns of the event loop. */
const purgeBatchRows = 2000;

export interface SqliteOptions {
  synchronous?: 'NORMAL' | 'FULL';
  /** Checkpoint the WAL from a worker thread (the long-running server); commands leave it to SQLite. */
  backgroundCheckpoints?: boolean;
}

/** With background checkpoints, the server's own connection checkpoints only past this many WAL pages (80 MB). */
const safetyNetCheckpointPages = 20_000;

interface SiteRow {
  id: number; name: string; website_url: string; timezone: string; session_minutes: number; remember_days: number;
  default_language: string; accent_color: string; logo_sha256: string | null; created_at: number;
}
interface TermsRow { id: number; site_id: number; release: number; language: string; body: string; sha256: string; published_at: number }
interface AdminUserRow { id: number; username: string; password_hash: string; password_changed_at: number; created_at: number; last_sign_in_at: number | null }
interface GatewayRow {
  id: string; site_id: number; type: string; name: string; settings: string; created_at: number;
  last_contact_at: number | null; sys_uptime: number | null; sys_memfree: number | null; sys_load: number | null; daemon_uptime: number | null;
}

const siteColumns: Record<keyof SiteSettings, string> = {
  name: 'name', websiteUrl: 'website_url', timezone: 'timezone', sessionMinutes: 'session_minutes',
  rememberDays: 'remember_days', defaultLanguage: 'default_language', accentColor: 'accent_color',
};

function toSite(row: SiteRow): Site {
  return {
    id: row.id, name: row.name, websiteUrl: row.website_url, timezone: row.timezone, sessionMinutes: row.session_minutes,
    rememberDays: row.remember_days, defaultLanguage: row.default_language, accentColor: row.accent_color, logoSha256: row.logo_sha256,
    createdAt: row.created_at,
  };
}

function toTerms(row: TermsRow): TermsVersion {
  return {
    id: row.id, siteId: row.site_id, release: row.release, language: row.language, body: row.body, sha256: row.sha256,
    publishedAt: row.published_at,
  };
}

function toAdminUser(row: AdminUserRow): AdminUser {
  return {
    id: row.id, username: row.username, passwordHash: row.password_hash, passwordChangedAt: row.password_changed_at, createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at,
  };
}

function toGateway(row: GatewayRow): Gateway {
  const gateway: Gateway = { id: row.id, siteId: row.site_id, type: row.type, name: row.name, settings: JSON.parse(row.settings), createdAt: row.created_at };
  // Health fields appear once the router has reported them.
  if (row.last_contact_at !== null) gateway.lastContactAt = row.last_contact_at;
  if (row.sys_uptime !== null) gateway.sysUptime = row.sys_uptime;
  if (row.sys_memfree !== null) gateway.sysMemfree = row.sys_memfree;
  if (row.sys_load !== null) gateway.sysLoad = row.sys_load;
  if (row.daemon_uptime !== null) gateway.daemonUptime = row.daemon_uptime;
  return gateway;
}

interface GuestSessionRow {
  id: number; acceptance_id: number | null; site_id: number; gateway_id: string | null; token_hash: string; device_id: string | null;
  client_mac: string | null; client_ip: string | null; token_expires_at: number; started_at: number | null; local_day: string | null;
  last_counters_at: number | null; bytes_in: number; bytes_out: number; ended_at: number | null; end_reason: GuestSessionEndReason | null;
  report_due_at: number | null;
}

function toGuestSession(row: GuestSessionRow): GuestSession {
  return {
    id: row.id, acceptanceId: row.acceptance_id, siteId: row.site_id, gatewayId: row.gateway_id, deviceId: row.device_id,
    clientMac: row.client_mac, clientIp: row.client_ip, tokenExpiresAt: row.token_expires_at, startedAt: row.started_at,
    localDay: row.local_day, lastCountersAt: row.last_counters_at, bytesIn: row.bytes_in, bytesOut: row.bytes_out,
    endedAt: row.ended_at, endReason: row.end_reason, reportDueAt: row.report_due_at,
  };
}

interface AcceptanceRow {
  id: number; accepted_at: number; local_day: string; site_id: number; gateway_id: string | null; terms_version_id: number;
  device_id: string | null; client_mac: string | null; client_ip: string | null; user_agent: string | null; language: string; handoff: string;
  state_nonce: string | null;
}

function toAcceptance(row: AcceptanceRow): Acceptance {
  return {
    id: row.id, acceptedAt: row.accepted_at, localDay: row.local_day, siteId: row.site_id, gatewayId: row.gateway_id,
    termsVersionId: row.terms_version_id, deviceId: row.device_id, clientMac: row.client_mac, clientIp: row.client_ip,
    userAgent: row.user_agent, language: row.language, handoff: row.handoff, stateNonce: row.state_nonce,
  };
}

/** WHERE clause and parameters for an acceptance filter; the names are this module's own. */
function filterClause(filter: AcceptanceFilter): { where: string; params: Record<string, string | number> } {
  const conditions: string[] = [];
  const params: Record<string, string | number> = {};
  if (filter.siteId !== undefined) { conditions.push('a.site_id = @siteId'); params.siteId = filter.siteId; }
  if (filter.gatewayId !== undefined) { conditions.push('a.gateway_id = @gatewayId'); params.gatewayId = filter.gatewayId; }
  if (filter.fromDay !== undefined) { conditions.push('a.local_day >= @fromDay'); params.fromDay = filter.fromDay; }
  if (filter.toDay !== undefined) { conditions.push('a.local_day <= @toDay'); params.toDay = filter.toDay; }
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

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

/**
 * Venues, routers and terms are read on every guest and router request and change only when the owner
 * edits them, so reads of them are served from memory. An entry is dropped when this connection writes
 * its table, and everything is dropped when another connection (the command line) has committed,
 * which `PRAGMA data_version` reveals. Cached objects are frozen: shared, never changed.
 */
class ConfigurationCache {
  readonly sites = new Map<number, Site>();
  readonly gateways = new Map<string, Gateway>();
  readonly termsById = new Map<number, TermsVersion>();
  /** Current terms by `siteId language`. */
  readonly currentTerms = new Map<string, TermsVersion>();
  private dataVersion = -1;
  private checkedThisTurn = false;

  constructor(private readonly readDataVersion: () => number) {}

  /**
   * Once per turn of the event loop, not per read: a request reads three or four cached rows, and the
   * check costs as much as a read. Another process's commit is then seen from the next turn on.
   */
  private dropIfChangedElsewhere(): void {
    if (this.checkedThisTurn) return;
    this.checkedThisTurn = true;
    setImmediate(() => { this.checkedThisTurn = false; }).unref();
    const version = this.readDataVersion();
    if (version === this.dataVersion) return;
    this.dataVersion = version;
    this.sites.clear();
    this.gateways.clear();
    this.termsById.clear();
    this.currentTerms.clear();
  }

  /** The cached value, else `read()`'s (cached unless absent: unknown ids asked by strangers are not kept). */
  get<K, V extends object>(map: Map<K, V>, key: K, read: () => V | undefined): V | undefined {
    this.dropIfChangedElsewhere();
    let value = map.get(key);
    if (value === undefined) {
      value = read();
      if (value !== undefined) map.set(key, deepFreeze(value));
    }
    return value;
  }
}

function deepFreeze<T extends object>(value: T): T {
  for (const field of Object.values(value)) if (typeof field === 'object' && field !== null) deepFreeze(field);
  return Object.freeze(value);
}

/**
 * The embedded store: one SQLite file in WAL mode. better-sqlite3 is synchronous, so every
 * statement is prepared once here and each call is short; the async interface is for the store's users.
 */
export class SqliteStore implements Store {
  private readonly statisticsSql;
  readonly db: Database.Database;
  private readonly statements;
  private readonly sessionSql;
  private readonly privacySql;
  private readonly adminSql;
  private readonly guestPageSql;
  /** Writes waiting for the next group commit (see commitSoon). */
  private pendingWrites: { write: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }[] = [];
  private readonly cache: ConfigurationCache;
  private readonly checkpointer: Checkpointer | undefined;

  constructor(file: string, options: SqliteOptions = {}) {
    if (file !== ':memory:') {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      createPrivateFile(file, 'a');
    }
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    if (file !== ':memory:') for (const suffix of ['', '-wal', '-shm']) keepPrivate(file + suffix, 0o600);
    this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    applyMigrations(this.db);
    if (options.backgroundCheckpoints && file !== ':memory:') {
      this.db.pragma(`wal_autocheckpoint = ${safetyNetCheckpointPages}`);
      this.checkpointer = startCheckpointer(file, options.synchronous ?? 'NORMAL', () => { if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000'); });
    }
    this.statisticsSql = prepareStatistics(this.db);
    const dataVersion = this.db.prepare<[], number>('PRAGMA data_version').pluck();
    this.cache = new ConfigurationCache(() => dataVersion.get()!);

    const db = this.db;
    this.statements = {
      siteById: db.prepare<[number], SiteRow>('SELECT * FROM sites WHERE id = ?'),
      firstSite: db.prepare<[], SiteRow>('SELECT * FROM sites ORDER BY id LIMIT 1'),
      insertSite: db.prepare(`INSERT INTO sites (name, website_url, timezone, session_minutes, remember_days, default_language, accent_color, created_at)
        VALUES (@name, @websiteUrl, @timezone, @sessionMinutes, @rememberDays, @defaultLanguage, @accentColor, @createdAt)`),
      latestRelease: db.prepare<[number], { release: number | null }>('SELECT max(release) AS release FROM terms_versions WHERE site_id = ?'),
      insertTerms: db.prepare(`INSERT INTO terms_versions (site_id, release, language, body, sha256, published_at)
        VALUES (@siteId, @release, @language, @body, @sha256, @publishedAt)`),
      // The newest release, preferring the asked language, then the site's default, then any.
      currentTerms: db.prepare<{ siteId: number; language: string }, TermsRow>(`
        SELECT t.* FROM terms_versions t JOIN sites s ON s.id = t.site_id
        WHERE t.site_id = @siteId AND t.release = (SELECT max(release) FROM terms_versions WHERE site_id = @siteId)
        ORDER BY t.language = @language DESC, t.language = s.default_language DESC, t.id LIMIT 1`),
      termsById: db.prepare<[number], TermsRow>('SELECT * FROM terms_versions WHERE id = ?'),
      listTerms: db.prepare<[number], TermsRow & { acceptances: number }>(`
        SELECT t.*, (SELECT count(*) FROM acceptances a WHERE a.terms_version_id = t.id) AS acceptances
        FROM terms_versions t WHERE t.site_id = ? ORDER BY t.release DESC, t.language`),
      insertGateway: db.prepare(`INSERT INTO gateways (id, site_id, type, name, settings, created_at)
        VALUES (@id, @siteId, @type, @name, @settings, @createdAt)`),
      gatewayById: db.prepare<[string], GatewayRow>('SELECT * FROM gateways WHERE id = ?'),
      allGateways: db.prepare<[], GatewayRow>('SELECT * FROM gateways ORDER BY id'),
      siteGateways: db.prepare<[number], GatewayRow>('SELECT * FROM gateways WHERE site_id = ? ORDER BY id'),
      // A repeated state nonce inserts nothing, so its trigger counts nothing either (migration 013).
      insertAcceptance: db.prepare(`INSERT INTO acceptances (accepted_at, local_day, local_hour, local_weekday, site_id, gateway_id,
          terms_version_id, device_id, client_mac, client_ip, user_agent, language, handoff, device_family, mac_randomised, state_nonce)
        VALUES (@acceptedAt, @localDay, @localHour, @localWeekday, @siteId, @gatewayId,
          @termsVersionId, @deviceId, @clientMac, @clientIp, @userAgent, @language, @handoff, @deviceFamily, @macRandomised, @stateNonce)
        ON CONFLICT (state_nonce) DO NOTHING`),
      acceptanceByStateNonce: db.prepare<[string], AcceptanceRow>('SELECT * FROM acceptances WHERE state_nonce = ?'),
    };

    this.sessionSql = {
      // A token stored already keeps its row as it is: used, it stays used.
      insertToken: db.prepare<NewLoginToken>(`INSERT INTO guest_sessions
          (acceptance_id, site_id, gateway_id, token_hash, device_id, client_mac, client_ip, token_expires_at)
        VALUES (@acceptanceId, @siteId, @gatewayId, @tokenHash, @deviceId, @clientMac, @clientIp, @tokenExpiresAt)
        ON CONFLICT (token_hash) DO NOTHING`),
      byToken: db.prepare<[string], GuestSessionRow>('SELECT * FROM guest_sessions WHERE token_hash = ?'),
      // The WHERE clause is the whole token check: unused, unexpired, same router, IP and (when known) MAC.
      // A token issued without a MAC (the router's ARP lookup failed) takes the MAC the router reports now.
      start: db.prepare<LoginClaim & { at: number; localDay: string; reportDueAt: number }, GuestSessionRow>(`UPDATE guest_sessions
        SET started_at = @at, local_day = @localDay, client_mac = coalesce(client_mac, @clientMac), report_due_at = @reportDueAt
        WHERE token_hash = @tokenHash AND started_at IS NULL AND ended_at IS NULL AND token_expires_at > @at
          AND gateway_id = @gatewayId AND client_ip = @clientIp AND (client_mac IS NULL OR client_mac = @clientMac)
        RETURNING *`),
      counters: db.prepare<{ id: number; bytesIn: number | null; bytesOut: number | null; at: number; reportDueAt: number }>(`UPDATE guest_sessions
        SET bytes_in = coalesce(@bytesIn, bytes_in), bytes_out = coalesce(@bytesOut, bytes_out), last_counters_at = @at, report_due_at = @reportDueAt
        WHERE id = @id AND ended_at IS NULL`),
      end: db.prepare<{ id: number; reason: string; at: number; bytesIn: number | null; bytesOut: number | null }>(`UPDATE guest_sessions
        SET ended_at = @at, end_reason = @reason, bytes_in = coalesce(@bytesIn, bytes_in), bytes_out = coalesce(@bytesOut, bytes_out)
        WHERE id = @id AND ended_at IS NULL`),
      live: db.prepare<[string], GuestSessionRow>(`SELECT * FROM guest_sessions
        WHERE gateway_id = ? AND started_at IS NOT NULL AND ended_at IS NULL ORDER BY started_at DESC, id DESC`),
      // The device's newest acceptance of each of the release's languages: one index row each (migration 013),
      // where walking back through the device's acceptances until the release matched cost a step for each.
      remembered: db.prepare<{ siteId: number; deviceId: string; release: number; since: number }, AcceptanceRow>(`
        SELECT a.* FROM terms_versions t JOIN acceptances a ON a.id = (
          SELECT d.id FROM acceptances d WHERE d.device_id = @deviceId AND d.terms_version_id = t.id AND d.accepted_at >= @since
          ORDER BY d.accepted_at DESC LIMIT 1)
        WHERE t.site_id = @siteId AND t.release = @release`),
      contact: db.prepare<GatewayHealth & { id: string; at: number }>(`UPDATE gateways
        SET last_contact_at = @at, sys_uptime = @sysUptime, sys_memfree = @sysMemfree, sys_load = @sysLoad, daemon_uptime = @daemonUptime
        WHERE id = @id`),
    };
    this.privacySql = {
      ping: db.prepare<[], { ok: number }>('SELECT 1 AS ok'),
      // In batches along the rowid (a cursor, never rescanning what is done): a first purge over a large
      // backlog must not hold the event loop, and every guest request, for seconds.
      purgeAcceptances: db.prepare<{ before: number; after: number; limit: number }, { id: number }>(`UPDATE acceptances
        SET client_mac = NULL, client_ip = NULL, user_agent = NULL
        WHERE id IN (SELECT id FROM acceptances WHERE id > @after AND accepted_at < @before
          AND (client_mac IS NOT NULL OR client_ip IS NOT NULL OR user_agent IS NOT NULL) ORDER BY id LIMIT @limit)
        RETURNING id`),
      // Live sessions keep their addresses: the router's checks need them until the session ends.
      purgeSessions: db.prepare<{ before: number; after: number; limit: number }, { id: number }>(`UPDATE guest_sessions
        SET client_mac = NULL, client_ip = NULL
        WHERE id IN (SELECT id FROM guest_sessions WHERE id > @after AND (client_mac IS NOT NULL OR client_ip IS NOT NULL)
          AND (ended_at < @before OR (started_at IS NULL AND token_expires_at < @before)) ORDER BY id LIMIT @limit)
        RETURNING id`),
      guestAcceptances: db.prepare<{ mac: string; deviceId: string }, Record<string, unknown>>(
        'SELECT * FROM acceptances WHERE client_mac = @mac OR device_id = @deviceId ORDER BY accepted_at, id'),
      guestSessions: db.prepare<{ mac: string; deviceId: string }, Record<string, unknown>>(
        'SELECT * FROM guest_sessions WHERE client_mac = @mac OR device_id = @deviceId ORDER BY id'),
      forgetAcceptances: db.prepare<{ mac: string; deviceId: string }>(`UPDATE acceptances
        SET client_mac = NULL, client_ip = NULL, user_agent = NULL, device_id = NULL WHERE client_mac = @mac OR device_id = @deviceId`),
      forgetSessions: db.prepare<{ mac: string; deviceId: string }>('DELETE FROM guest_sessions WHERE client_mac = @mac OR device_id = @deviceId'),
      // The statistics' per-device days keep counting the device, under a random id nothing links back.
      unlinkDeviceDays: db.prepare<{ deviceId: string; replacement: string }>('UPDATE device_days SET device_id = @replacement WHERE device_id = @deviceId'),
    };

    this.adminSql = {
      countUsers: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM admin_users'),
      insertUser: db.prepare<[string, string, number, number]>(
        'INSERT INTO admin_users (username, password_hash, password_changed_at, created_at) VALUES (?, ?, ?, ?)'),
      userById: db.prepare<[number], AdminUserRow>('SELECT * FROM admin_users WHERE id = ?'),
      userByName: db.prepare<[string], AdminUserRow>('SELECT * FROM admin_users WHERE username = ?'),
      setPassword: db.prepare<[string, number, number]>('UPDATE admin_users SET password_hash = ?, password_changed_at = ? WHERE id = ?'),
      users: db.prepare<[], AdminUserRow>('SELECT * FROM admin_users ORDER BY username'),
      deleteUser: db.prepare<[number]>('DELETE FROM admin_users WHERE id = ?'),
      deleteUserSessions: db.prepare<[number]>("DELETE FROM admin_sessions WHERE json_extract(data, '$.adminUserId') = ?"),
      recordSignIn: db.prepare<[number, number]>('UPDATE admin_users SET last_sign_in_at = ? WHERE id = ?'),
      // A few expired rows per attempt: the table holds at most one window's attempts, however many addresses try.
      pruneAttempts: db.prepare<[number]>(`DELETE FROM admin_sign_in_attempts
        WHERE rowid IN (SELECT rowid FROM admin_sign_in_attempts WHERE window_ends_at <= ? LIMIT 10)`),
      attempts: db.prepare<[string, string], { attempts: number; window_ends_at: number }>(
        'SELECT attempts, window_ends_at FROM admin_sign_in_attempts WHERE account = ? AND address = ?'),
      countAttempt: db.prepare<{ account: string; address: string; now: number; ends: number }>(`INSERT INTO admin_sign_in_attempts
        (account, address, attempts, window_ends_at) VALUES (@account, @address, 1, @ends)
        ON CONFLICT (account, address) DO UPDATE SET
          attempts = CASE WHEN window_ends_at <= @now THEN 1 ELSE attempts + 1 END,
          window_ends_at = CASE WHEN window_ends_at <= @now THEN @ends ELSE window_ends_at END`),
      forgetAttempts: db.prepare<[string, string]>('DELETE FROM admin_sign_in_attempts WHERE account = ? AND address = ?'),
      giveBackAttempt: db.prepare<[string]>("UPDATE admin_sign_in_attempts SET attempts = attempts - 1 WHERE account = '' AND address = ? AND attempts > 0"),
      clearAttempts: db.prepare<[string]>("DELETE FROM admin_sign_in_attempts WHERE account = ? AND account <> ''"),
      lockout: db.prepare<[string, number, number], { addresses: number; until: number | null }>(`SELECT count(*) AS addresses, max(window_ends_at) AS until
        FROM admin_sign_in_attempts WHERE account = ? AND account <> '' AND attempts >= ? AND window_ends_at > ?`),
      insertSetupToken: db.prepare<[string, number]>('INSERT INTO admin_setup_tokens (token_hash, created_at) VALUES (?, ?)'),
      setupTokenWorks: db.prepare<[string], { works: number }>(`SELECT EXISTS (SELECT 1 FROM admin_setup_tokens WHERE token_hash = ? AND used_at IS NULL)
        AND NOT EXISTS (SELECT 1 FROM admin_users) AS works`),
      deleteUnusedSetupTokens: db.prepare('DELETE FROM admin_setup_tokens WHERE used_at IS NULL'),
      useSetupToken: db.prepare<[number, string]>('UPDATE admin_setup_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL'),
      session: db.prepare<[string, number], { data: string }>('SELECT data FROM admin_sessions WHERE sid_hash = ? AND expires_at > ?'),
      saveSession: db.prepare<[string, string, number]>(`INSERT INTO admin_sessions (sid_hash, data, expires_at) VALUES (?, ?, ?)
        ON CONFLICT (sid_hash) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`),
      touchSession: db.prepare<[number, string]>('UPDATE admin_sessions SET expires_at = ? WHERE sid_hash = ?'),
      deleteSession: db.prepare<[string]>('DELETE FROM admin_sessions WHERE sid_hash = ?'),
      deleteExpiredSessions: db.prepare<[number]>('DELETE FROM admin_sessions WHERE expires_at <= ?'),
      insertLogo: db.prepare<[string, Buffer, number]>('INSERT OR IGNORE INTO logos (sha256, image, created_at) VALUES (?, ?, ?)'),
      setSiteLogo: db.prepare<[string, number]>('UPDATE sites SET logo_sha256 = ? WHERE id = ?'),
      deleteUnusedLogos: db.prepare('DELETE FROM logos WHERE sha256 NOT IN (SELECT logo_sha256 FROM sites WHERE logo_sha256 IS NOT NULL)'),
      logo: db.prepare<[string], { image: Buffer }>('SELECT image FROM logos WHERE sha256 = ?'),
      renameGateway: db.prepare<[string, string]>('UPDATE gateways SET name = ? WHERE id = ?'),
      setGatewaySettings: db.prepare<[string, string]>('UPDATE gateways SET settings = ? WHERE id = ?'),
      deleteGateway: db.prepare<[string]>('DELETE FROM gateways WHERE id = ?'),
    };

    this.guestPageSql = {
      // Each reads one row of its index (migration 013), however many rows the address has piled up:
      // the live session whose router reports it latest, if that report is not overdue.
      liveSessionStart: db.prepare<{ siteId: number; ip: string; now: number }, { started_at: number }>(`
        SELECT started_at FROM guest_sessions
        WHERE client_ip = @ip AND site_id = @siteId AND ended_at IS NULL AND started_at IS NOT NULL AND report_due_at > @now
        ORDER BY report_due_at DESC LIMIT 1`),
      // Only the address's newest acceptance is looked at: walking back past acceptances that have
      // sessions cost a step for each one an address had made.
      lastUnreportedAcceptance: db.prepare<{ siteId: number; ip: string; since: number }, { accepted_at: number }>(`
        SELECT a.accepted_at FROM (
          SELECT id, accepted_at, client_ip FROM acceptances
          WHERE client_ip = @ip AND site_id = @siteId AND accepted_at >= @since ORDER BY accepted_at DESC LIMIT 1
        ) a
        WHERE NOT EXISTS (SELECT 1 FROM guest_sessions g WHERE g.acceptance_id = a.id AND g.client_ip = a.client_ip)`),
    };
  }

  async getSite(id: number): Promise<Site | undefined> {
    return this.cache.get(this.cache.sites, id, () => {
      const row = this.statements.siteById.get(id);
      return row && toSite(row);
    });
  }

  /** After a write to a venue: its settings and its current terms (which follow the default language). */
  private forgetSites(): void {
    this.cache.sites.clear();
    this.cache.currentTerms.clear();
  }

  async getDefaultSite(): Promise<Site | undefined> {
    const row = this.statements.firstSite.get();
    return row && toSite(row);
  }

  async createSite(settings: SiteSettings, at: number): Promise<Site> {
    const { lastInsertRowid } = this.statements.insertSite.run({ ...settings, createdAt: at });
    this.forgetSites();
    return (await this.getSite(Number(lastInsertRowid)))!;
  }

  async updateSite(id: number, settings: Partial<SiteSettings>): Promise<Site> {
    const keys = (Object.keys(settings) as (keyof SiteSettings)[]).filter((key) => settings[key] !== undefined);
    if (keys.length > 0) {
      // Column names come from the fixed map above, never from the caller.
      const assignments = keys.map((key) => `${siteColumns[key]} = @${key}`).join(', ');
      this.db.prepare(`UPDATE sites SET ${assignments} WHERE id = @id`).run({ ...settings, id });
      this.forgetSites();
    }
    const site = await this.getSite(id);
    if (!site) throw new Error(`no site ${id}`);
    return site;
  }

  async publishTerms(siteId: number, texts: { language: string; body: string }[], at: number): Promise<TermsVersion[]> {
    const publish = this.db.transaction(() => {
      const release = (this.statements.latestRelease.get(siteId)?.release ?? 0) + 1;
      return texts.map(({ language, body }) => {
        const sha256 = createHash('sha256').update(body, 'utf8').digest('hex');
        const { lastInsertRowid } = this.statements.insertTerms.run({ siteId, release, language, body, sha256, publishedAt: at });
        return toTerms(this.statements.termsById.get(Number(lastInsertRowid))!);
      });
    });
    const published = publish.immediate();
    this.cache.currentTerms.clear();
    return published;
  }

  async currentTerms(siteId: number, language = ''): Promise<TermsVersion | undefined> {
    return this.cache.get(this.cache.currentTerms, `${siteId} ${language}`, () => {
      const row = this.statements.currentTerms.get({ siteId, language });
      return row && toTerms(row);
    });
  }

  async getTermsVersion(id: number): Promise<TermsVersion | undefined> {
    return this.cache.get(this.cache.termsById, id, () => {
      const row = this.statements.termsById.get(id);
      return row && toTerms(row);
    });
  }

  async listTerms(siteId: number): Promise<TermsVersionSummary[]> {
    return this.statements.listTerms.all(siteId).map((row) => ({ ...toTerms(row), acceptances: row.acceptances }));
  }

  async addGateway(gateway: Omit<Gateway, 'createdAt'>, at: number): Promise<Gateway> {
    try {
      this.statements.insertGateway.run({ ...gateway, settings: JSON.stringify(gateway.settings), createdAt: at });
      this.cache.gateways.delete(gateway.id);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new StoreConflictError(`gateway "${gateway.id}" already exists`);
      throw error;
    }
    return (await this.getGateway(gateway.id))!;
  }

  async getGateway(id: string): Promise<Gateway | undefined> {
    return this.cache.get(this.cache.gateways, id, () => {
      const row = this.statements.gatewayById.get(id);
      return row && toGateway(row);
    });
  }

  async listGateways(siteId?: number): Promise<Gateway[]> {
    const rows = siteId === undefined ? this.statements.allGateways.all() : this.statements.siteGateways.all(siteId);
    return rows.map(toGateway);
  }

  /**
   * Group commit: the writes requested while the event loop handles one batch of arrivals run in one
   * transaction, and each resolves only once that transaction is committed. Under a crowd one commit
   * then carries many acceptances instead of paying the WAL append per row; alone, a write waits for
   * nothing but the end of the current loop turn. A write that throws fails alone (SQLite undoes just
   * that statement); a failed commit fails them all.
   */
  private commitSoon<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // Inside a caller's own transaction (bulk imports, seeding) the write joins it at once.
      if (this.db.inTransaction) return resolve(write());
      if (this.pendingWrites.length === 0) setImmediate(() => this.commitPendingWrites());
      this.pendingWrites.push({ write, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private commitPendingWrites(): void {
    const batch = this.pendingWrites;
    this.pendingWrites = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.db.transaction(() => {
        for (const { write } of batch) {
          try {
            outcomes.push({ ok: true, value: write() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      }).immediate();
    } catch (error) {
      for (const { reject } of batch) reject(error);
      return;
    }
    batch.forEach(({ resolve, reject }, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) resolve(outcome.value);
      else reject(outcome.error);
    });
  }

  async recordAcceptance(site: Site, acceptance: NewAcceptance): Promise<RecordedAcceptance> {
    const local = localCalendar(acceptance.acceptedAt, site.timezone);
    const stateNonce = acceptance.stateNonce ?? null;
    // Resolves once the row is committed with the statistics roll-ups its trigger wrote (group commit: see commitSoon).
    // Two racing POSTs of one page may share a batch: the second finds the first's row in the same transaction.
    const recorded = await this.commitSoon(() => {
      const { changes, lastInsertRowid } = this.statements.insertAcceptance.run({
        ...acceptance, stateNonce, siteId: site.id, localDay: local.day, localHour: local.hour, localWeekday: local.weekday,
        // Fixed now: the user agent and MAC are blanked after the retention period, the figures stay.
        deviceFamily: deviceFamily(acceptance.userAgent),
        macRandomised: acceptance.clientMac === null ? null : Number(isRandomisedMac(acceptance.clientMac)),
      });
      return changes === 1 ? Number(lastInsertRowid) : this.statements.acceptanceByStateNonce.get(stateNonce!)!;
    });
    if (typeof recorded !== 'number') return { ...toAcceptance(recorded), repeat: true };
    return { ...acceptance, stateNonce, id: recorded, siteId: site.id, localDay: local.day, repeat: false };
  }

  async *exportAcceptances(filter: AcceptanceFilter): AsyncIterable<AcceptanceExportRow> {
    const { where, params } = filterClause(filter);
    // Read in pages, never holding a statement open across a yield: while one is open, better-sqlite3
    // refuses every write on the connection, and a guest's acceptance must not wait for a download.
    // (local_day, id) is the order of the acceptances_site_day index, so each page is a seek, not a sort.
    const page = this.db.prepare<Record<string, string | number>, Omit<AcceptanceExportRow, 'acceptedAt'> & { acceptedAt: number }>(`
      SELECT a.id, a.accepted_at AS acceptedAt, a.local_day AS localDay, a.gateway_id AS gatewayId,
        t.release AS termsRelease, t.language AS termsLanguage, t.sha256 AS termsSha256,
        a.client_mac AS clientMac, a.client_ip AS clientIp, a.user_agent AS userAgent, a.language, a.handoff
      FROM acceptances a JOIN terms_versions t ON t.id = a.terms_version_id
      ${where ? `${where} AND` : 'WHERE'} (a.local_day, a.id) > (@afterDay, @afterId)
      ORDER BY a.local_day, a.id LIMIT 1000`);
    let after = { afterDay: '', afterId: 0 };
    for (;;) {
      const rows = page.all({ ...params, ...after });
      for (const row of rows) yield { ...row, acceptedAt: new Date(row.acceptedAt).toISOString() };
      if (rows.length < 1000) return;
      after = { afterDay: rows[rows.length - 1].localDay, afterId: rows[rows.length - 1].id };
    }
  }

  async countAcceptances(filter: AcceptanceFilter): Promise<number> {
    const { where, params } = filterClause(filter);
    return this.db.prepare<Record<string, string | number>, { n: number }>(`SELECT count(*) AS n FROM acceptances a ${where}`).get(params)!.n;
  }

  // — durability, monitoring and privacy (issue 6) —

  async isHealthy(): Promise<boolean> {
    try {
      return this.privacySql.ping.get()?.ok === 1;
    } catch {
      return false;
    }
  }

  async backup(file: string): Promise<void> {
    createPrivateFile(file, 'wx');
    try {
      await this.db.backup(file);
    } catch (error) {
      fs.rmSync(file, { force: true });
      throw error;
    }
  }

  async purgePersonalData(before: number): Promise<PersonalDataChange> {
    const change = { acceptances: 0, guestSessions: 0 };
    for (const [table, statement] of [['acceptances', this.privacySql.purgeAcceptances], ['guestSessions', this.privacySql.purgeSessions]] as const) {
      let after = 0;
      for (;;) {
        const ids = this.db.transaction(() => statement.all({ before, after, limit: purgeBatchRows })).immediate();
        change[table] += ids.length;
        if (ids.length < purgeBatchRows) break;
        after = Math.max(...ids.map((row) => row.id));
        await new Promise((resolve) => setImmediate(resolve)); // let guests' requests in between batches
      }
    }
    return change;
  }

  async findGuestRecords(mac: string, deviceId: string): Promise<GuestRecords> {
    const guestSessions = this.privacySql.guestSessions.all({ mac, deviceId });
    // The token hash identifies a login, not the guest; it stays out of what is handed over.
    for (const session of guestSessions) delete session.token_hash;
    return { acceptances: this.privacySql.guestAcceptances.all({ mac, deviceId }), guestSessions };
  }

  async forgetGuest(mac: string, deviceId: string): Promise<PersonalDataChange> {
    const forget = this.db.transaction(() => {
      this.privacySql.unlinkDeviceDays.run({ deviceId, replacement: randomBytes(16).toString('hex') });
      return {
        guestSessions: this.privacySql.forgetSessions.run({ mac, deviceId }).changes,
        acceptances: this.privacySql.forgetAcceptances.run({ mac, deviceId }).changes,
      };
    });
    return forget.immediate();
  }

  // — guest sessions and router health (WiFiDog, issue 3) —

  async createLoginToken(token: NewLoginToken): Promise<GuestSession> {
    await this.commitSoon(() => this.sessionSql.insertToken.run(token));
    return toGuestSession(this.sessionSql.byToken.get(token.tokenHash)!);
  }

  async startGuestSession(site: Site, claim: LoginClaim, at: number, reportDueAt: number): Promise<GuestSession | undefined> {
    // One UPDATE … RETURNING checks and consumes the token, so two racing logins cannot both win; its
    // trigger (migration 012) ends the device's earlier session on this router if its router stopped reporting it.
    const row = await this.commitSoon(() => this.sessionSql.start.get({ ...claim, at, localDay: localCalendar(at, site.timezone).day, reportDueAt }));
    return row && toGuestSession(row);
  }

  async findGuestSession(tokenHash: string): Promise<GuestSession | undefined> {
    const row = this.sessionSql.byToken.get(tokenHash);
    return row && toGuestSession(row);
  }

  async recordSessionReport(id: number, bytes: { in: number; out: number } | undefined, at: number, reportDueAt: number): Promise<void> {
    await this.commitSoon(() => this.sessionSql.counters.run({ id, bytesIn: bytes?.in ?? null, bytesOut: bytes?.out ?? null, at, reportDueAt }));
  }

  async endGuestSession(id: number, reason: GuestSessionEndReason, at: number, bytes?: { in: number; out: number }): Promise<void> {
    await this.commitSoon(() => this.sessionSql.end.run({ id, reason, at, bytesIn: bytes?.in ?? null, bytesOut: bytes?.out ?? null }));
  }

  async liveGuestSessions(gatewayId: string): Promise<GuestSession[]> {
    return this.sessionSql.live.all(gatewayId).map(toGuestSession);
  }

  async rememberedAcceptance(siteId: number, deviceId: string, release: number, since: number): Promise<Acceptance | undefined> {
    const newest = this.sessionSql.remembered.all({ siteId, deviceId, release, since })
      .reduce<AcceptanceRow | undefined>((found, row) => (found && found.accepted_at >= row.accepted_at ? found : row), undefined);
    return newest && toAcceptance(newest);
  }

  async recordGatewayContact(gatewayId: string, health: GatewayHealth, at: number): Promise<boolean> {
    return (await this.commitSoon(() => {
      this.cache.gateways.delete(gatewayId);
      return this.sessionSql.contact.run({ ...health, id: gatewayId, at });
    })).changes > 0;
  }

  // — admin accounts, admin sessions and statistics (issue 4) —

  async countAdminUsers(): Promise<number> {
    return this.adminSql.countUsers.get()!.n;
  }

  async addAdminUser(username: string, passwordHash: string, at: number): Promise<AdminUser> {
    let id: number;
    try {
      id = Number(this.adminSql.insertUser.run(username, passwordHash, at, at).lastInsertRowid);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new StoreConflictError(`admin "${username}" already exists`);
      throw error;
    }
    return (await this.getAdminUser(id))!;
  }

  async getAdminUser(id: number): Promise<AdminUser | undefined> {
    const row = this.adminSql.userById.get(id);
    return row && toAdminUser(row);
  }

  async findAdminUser(username: string): Promise<AdminUser | undefined> {
    const row = this.adminSql.userByName.get(username);
    return row && toAdminUser(row);
  }

  async setAdminPassword(id: number, passwordHash: string, at: number): Promise<void> {
    this.adminSql.setPassword.run(passwordHash, at, id);
  }

  async listAdminUsers(): Promise<AdminUser[]> {
    return this.adminSql.users.all().map(toAdminUser);
  }

  async removeAdminUser(id: number): Promise<void> {
    this.db.transaction(() => {
      if (this.adminSql.countUsers.get()!.n <= 1 && this.adminSql.userById.get(id)) {
        throw new StoreConflictError('this is the last admin; add another one first (portico admin add)');
      }
      this.adminSql.deleteUserSessions.run(id);
      this.adminSql.deleteUser.run(id);
    }).immediate();
  }

  async reserveSignInAttempt(account: string, address: string, limits: SignInLimits, now: number): Promise<number | null> {
    const reserve = this.db.transaction(() => {
      this.adminSql.pruneAttempts.run(now);
      let refusedUntil: number | null = null;
      for (const [key, limit] of [[account, limits.perAccountAndAddress], ['', limits.perAddress]] as const) {
        const row = this.adminSql.attempts.get(key, address);
        if (row && row.window_ends_at > now && row.attempts >= limit) refusedUntil = Math.max(refusedUntil ?? 0, row.window_ends_at);
      }
      if (refusedUntil !== null) return refusedUntil;
      for (const key of [account, '']) this.adminSql.countAttempt.run({ account: key, address, now, ends: now + limits.windowMs });
      return null;
    });
    return reserve.immediate();
  }

  async signInSucceeded(userId: number, account: string, address: string, at: number): Promise<void> {
    this.db.transaction(() => {
      this.adminSql.forgetAttempts.run(account, address);
      this.adminSql.giveBackAttempt.run(address);
      this.adminSql.recordSignIn.run(at, userId);
    }).immediate();
  }

  async clearSignInAttempts(account: string): Promise<number> {
    return this.adminSql.clearAttempts.run(account).changes;
  }

  async signInLockout(account: string, limits: SignInLimits, now: number): Promise<{ addresses: number; until: number } | undefined> {
    const row = this.adminSql.lockout.get(account, limits.perAccountAndAddress, now)!;
    return row.until === null ? undefined : { addresses: row.addresses, until: row.until };
  }

  async replaceSetupToken(tokenHash: string, at: number): Promise<void> {
    this.db.transaction(() => {
      this.adminSql.deleteUnusedSetupTokens.run();
      this.adminSql.insertSetupToken.run(tokenHash, at);
    }).immediate();
  }

  async setupTokenWorks(tokenHash: string): Promise<boolean> {
    return this.adminSql.setupTokenWorks.get(tokenHash)!.works === 1;
  }

  async createFirstAdmin(tokenHash: string, username: string, passwordHash: string, at: number): Promise<AdminUser | undefined> {
    const create = this.db.transaction(() => {
      if (this.adminSql.countUsers.get()!.n > 0) return undefined;
      if (this.adminSql.useSetupToken.run(at, tokenHash).changes !== 1) return undefined;
      return Number(this.adminSql.insertUser.run(username, passwordHash, at, at).lastInsertRowid);
    });
    const id = create.immediate();
    return id === undefined ? undefined : this.getAdminUser(id);
  }

  async getAdminSession(sidHash: string, now: number): Promise<string | undefined> {
    return this.adminSql.session.get(sidHash, now)?.data;
  }

  async saveAdminSession(sidHash: string, data: string, expiresAt: number): Promise<void> {
    this.adminSql.saveSession.run(sidHash, data, expiresAt);
  }

  async touchAdminSession(sidHash: string, expiresAt: number): Promise<void> {
    this.adminSql.touchSession.run(expiresAt, sidHash);
  }

  async deleteAdminSession(sidHash: string): Promise<void> {
    this.adminSql.deleteSession.run(sidHash);
  }

  async deleteExpiredAdminSessions(now: number): Promise<number> {
    return this.adminSql.deleteExpiredSessions.run(now).changes;
  }

  async setLogo(siteId: number, png: Buffer, at: number): Promise<Site> {
    const sha256 = createHash('sha256').update(png).digest('hex');
    this.db.transaction(() => {
      this.adminSql.insertLogo.run(sha256, png, at);
      this.adminSql.setSiteLogo.run(sha256, siteId);
      this.adminSql.deleteUnusedLogos.run();
    }).immediate();
    this.forgetSites();
    const site = await this.getSite(siteId);
    if (!site) throw new Error(`no site ${siteId}`);
    return site;
  }

  async getLogo(sha256: string): Promise<Buffer | undefined> {
    return this.adminSql.logo.get(sha256)?.image;
  }

  async renameGateway(id: string, name: string): Promise<boolean> {
    this.cache.gateways.delete(id);
    return this.adminSql.renameGateway.run(name, id).changes === 1;
  }

  async setGatewaySettings(id: string, settings: Record<string, unknown>): Promise<boolean> {
    this.cache.gateways.delete(id);
    return this.adminSql.setGatewaySettings.run(JSON.stringify(settings), id).changes === 1;
  }

  async removeGateway(id: string): Promise<boolean> {
    this.cache.gateways.delete(id);
    return this.adminSql.deleteGateway.run(id).changes === 1;
  }

  async statistics(query: StatisticsQuery): Promise<StatisticsFigures> {
    // One read transaction: every figure from the same snapshot, even while guests are accepting.
    return this.db.transaction(() => this.readStatistics(query))();
  }

  private readStatistics(query: StatisticsQuery): StatisticsFigures {
    const sql = this.statisticsSql;
    const params = { siteId: query.siteId, fromDay: query.fromDay, toDay: query.toDay, gatewayId: query.gatewayId ?? null, now: query.now };
    const devicesByDay = new Map(sql.devicesByDay.all(params).map((row) => [row.day, row]));
    const acceptancesByDay = new Map(sql.acceptancesByDay.all(params).map((row) => [row.day, row.acceptances]));
    // A remembered device can be seen on a day without any acceptance.
    const days: DayFigures[] = [...new Set([...acceptancesByDay.keys(), ...devicesByDay.keys()])].sort().map((day) => ({
      day, acceptances: acceptancesByDay.get(day) ?? 0,
      newDevices: devicesByDay.get(day)?.newDevices ?? 0, returningDevices: devicesByDay.get(day)?.returningDevices ?? 0,
    }));
    const sum = (key: 'firstInPeriod' | 'newDevices' | 'randomised' | 'withMac') =>
      [...devicesByDay.values()].reduce((total, row) => total + row[key], 0);
    const uniqueDevices = sum('firstInPeriod');
    const newDevices = sum('newDevices');
    const sessions = sql.sessions.get(params)!;
    return {
      acceptances: days.reduce((total, day) => total + day.acceptances, 0),
      uniqueDevices, newDevices, returningDevices: uniqueDevices - newDevices,
      randomisedMacDevices: sum('randomised'), devicesWithMac: sum('withMac'),
      days,
      hours: sql.acceptancesByHour.all(params),
      byTermsRelease: sql.acceptancesByRelease.all(params),
      byLanguage: sql.acceptancesByLanguage.all(params),
      byDeviceFamily: sql.acceptancesByFamily.all(params),
      sessions: sessions.sessions,
      endedSessions: sessions.ended,
      averageSessionSeconds: sessions.ended === 0 ? null : sessions.endedMs / sessions.ended / 1000,
      medianSessionSeconds: sessions.medianMs === null ? null : sessions.medianMs / 1000,
      bytes: sessions.bytes,
      onlineNow: sql.onlineNow.get(params)!,
    };
  }

  // — guest page: languages, logo, captive-portal API (issue 5) —

  async liveSessionStartByIp(siteId: number, ip: string, now: number): Promise<number | undefined> {
    return this.guestPageSql.liveSessionStart.get({ siteId, ip, now })?.started_at;
  }

  async lastUnreportedAcceptanceByIp(siteId: number, ip: string, since: number): Promise<number | undefined> {
    return this.guestPageSql.lastUnreportedAcceptance.get({ siteId, ip, since })?.accepted_at;
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }
}

export function openSqliteStore(dataDir: string, options: SqliteOptions = {}): SqliteStore {
  keepPrivate(dataDir, 0o700);
  return new SqliteStore(path.join(dataDir, 'portico.db'), options);
}
