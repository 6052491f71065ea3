import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyMigrations } from '../../app/store/sqlite/migrate';
import { openSqliteStore, type SqliteStore } from '../../app/store/sqlite';
import { StoreConflictError } from '../../app/errors';
import type { Site } from '../../app/store/types';
import { ensureVenue } from '../../app/venue-settings';
import { localCalendar } from '../../app/venue-time';
import { tempDir } from '../helpers';
import { describeAcceptance } from '../../app/acceptance-record';
import { rawDatabase, openDatabaseFile } from './raw';
import { termsTexts } from '../../app/content-digests';

describe('SQLite store', () => {
  let dir: string;
  let store: SqliteStore;
  let site: Site;
  before(async () => {
    dir = tempDir();
    store = openSqliteStore(dir);
    site = await ensureVenue(store, 1_000);
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens one file in WAL mode with foreign keys and a busy timeout', () => {
    assert.ok(fs.existsSync(path.join(dir, 'portico.db')));
    assert.equal(rawDatabase(store).pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(rawDatabase(store).pragma('foreign_keys', { simple: true }), 1);
    assert.equal(rawDatabase(store).pragma('busy_timeout', { simple: true }), 5000);
    assert.equal(rawDatabase(store).pragma('synchronous', { simple: true }), 1); // NORMAL
  });

  it('records every migration once and never re-applies it', async () => {
    const versions = rawDatabase(store).prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    const files = fs.readdirSync(path.join(__dirname, '..', '..', '..', 'migrations')).filter((f) => f.endsWith('.sql'));
    assert.equal(versions.length, files.length);
    assert.deepEqual(applyMigrations(rawDatabase(store)), []);
    const again = openSqliteStore(dir);
    assert.equal(rawDatabase(again).prepare('SELECT count(*) FROM schema_migrations').pluck().get(), files.length);
    await again.close();
  });

  it('rolls back a failing migration whole', () => {
    const migrations = tempDir();
    fs.writeFileSync(path.join(migrations, '001_ok.sql'), 'CREATE TABLE a (x);');
    fs.writeFileSync(path.join(migrations, '002_bad.sql'), 'CREATE TABLE b (x); INSERT INTO nowhere VALUES (1);');
    const db = openDatabaseFile(':memory:');
    assert.throws(() => applyMigrations(db, migrations));
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('a', 'b')").pluck().all();
    assert.deepEqual(tables, ['a']);
    fs.rmSync(migrations, { recursive: true });
  });

  it('counts device days by day, previous day and MAC kind, from the backfill and the store alike (migration 009)', async () => {
    const dataDir = tempDir();
    const before009 = tempDir();
    const migrations = path.join(__dirname, '..', '..', '..', 'migrations');
    for (const file of fs.readdirSync(migrations).filter((f) => f.endsWith('.sql') && f < '009')) fs.copyFileSync(path.join(migrations, file), path.join(before009, file));
    const old = openDatabaseFile(path.join(dataDir, 'portico.db'));
    applyMigrations(old, before009);
    const insert = old.prepare('INSERT OR IGNORE INTO device_days (site_id, scope, device_id, local_day, prev_day, mac_randomised) VALUES (?, ?, ?, ?, ?, ?)');
    const rows: [number, string, string, string, string | null, number | null][] = [
      [1, '*', 'a', '2026-11-01', null, 1], [1, 'gw', 'a', '2026-11-01', null, 1], [1, '*', 'b', '2026-11-01', null, null],
      [1, '*', 'c', '2026-11-01', '2026-10-20', 0], [1, '*', 'd', '2026-11-01', '2026-10-20', 0], [2, '*', 'a', '2026-11-01', null, 1],
    ];
    for (const row of rows) insert.run(...row);
    old.close();

    const migrated = openSqliteStore(dataDir);
    // Devices seen since, through the store: a's first day again (nothing new), a's next day, e back after a gap, f new.
    rawDatabase(migrated).pragma('foreign_keys = OFF'); // the acceptances need no venue, router or terms
    const seen = (deviceId: string, localDay: string, gatewayId: string | null, macRandomised: boolean | null) => migrated.recordAcceptance({
      acceptedAt: 0, gatewayId, termsVersionId: 1, deviceId, clientMac: null, clientIp: null, userAgent: null, language: 'en', handoff: 'test',
      siteId: 1, localDay, localHour: 12, localWeekday: 1, deviceFamily: 'other', macRandomised,
    });
    for (const [deviceId, day, gatewayId, mac] of [
      ['a', '2026-11-01', 'gw', true], ['a', '2026-11-02', null, true], ['e', '2026-10-20', null, false], ['e', '2026-11-01', null, false], ['f', '2026-11-02', null, null],
    ] as const) await seen(deviceId, day, gatewayId, mac);
    const counts = rawDatabase(migrated).prepare('SELECT site_id, scope, local_day, prev_day, mac_randomised, devices FROM device_day_counts ORDER BY 1, 2, 3, 4, 5').all();
    const expected = rawDatabase(migrated).prepare(`SELECT site_id, scope, local_day, coalesce(prev_day, '') AS prev_day, coalesce(mac_randomised, -1) AS mac_randomised,
      count(*) AS devices FROM device_days GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`).all();
    assert.deepEqual(counts, expected);
    assert.deepEqual(counts.find((row) => (row as { prev_day: string }).prev_day === '2026-10-20'), {
      site_id: 1, scope: '*', local_day: '2026-11-01', prev_day: '2026-10-20', mac_randomised: 0, devices: 3,
    });
    await migrated.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(before009, { recursive: true, force: true });
  });

  it('keeps sessions and router health through their reshaping by router and driver (migrations 014, 015)', async () => {
    const dataDir = tempDir();
    const before014 = tempDir();
    const migrations = path.join(__dirname, '..', '..', '..', 'migrations');
    for (const file of fs.readdirSync(migrations).filter((f) => f.endsWith('.sql') && f < '014')) fs.copyFileSync(path.join(migrations, file), path.join(before014, file));
    const old = openDatabaseFile(path.join(dataDir, 'portico.db'));
    applyMigrations(old, before014);
    old.exec(`INSERT INTO sites (id, name, website_url, created_at) VALUES (1, 'Café', 'https://cafe.example/', 0);
      INSERT INTO gateways (id, site_id, type, name, settings, created_at, last_contact_at, sys_uptime, sys_load) VALUES ('gw', 1, 'wifidog', 'Bar', '{}', 0, 5000, 604, 0.5);
      INSERT INTO gateways (id, site_id, type, name, settings, created_at) VALUES ('pf', 1, 'pfsense', 'Lobby', '{}', 0);
      INSERT INTO guest_sessions (site_id, gateway_id, token_hash, client_mac, client_ip, token_expires_at, started_at, local_day, bytes_in, report_due_at)
        VALUES (1, 'gw', 'hash-of-token', '02:00:00:00:00:01', '10.0.0.2', 1000, 900, '2026-11-27', 42, 9000);`);
    old.close();

    const migrated = openSqliteStore(dataDir);
    const session = (await migrated.findGuestSession('gw', 'hash-of-token'))!;
    assert.deepEqual([session.startBy, session.startedAt, session.localDay, session.bytesIn, session.reportDueAt, session.clientMac], [1000, 900, '2026-11-27', 42, 9000, '02:00:00:00:00:01']);
    assert.equal(await migrated.findGuestSession('pf', 'hash-of-token'), undefined);
    const gateway = (await migrated.getGateway('gw'))!;
    assert.deepEqual([gateway.lastContactAt, gateway.health], [5000, { sysUptime: 604, sysLoad: 0.5 }]);
    assert.deepEqual([(await migrated.getGateway('pf'))!.lastContactAt, (await migrated.getGateway('pf'))!.health], [undefined, undefined]);
    await migrated.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(before014, { recursive: true, force: true });
  });

  it('counts a venue that has had guests as having seen its guest page, and no other (migration 016)', async () => {
    const dataDir = tempDir();
    const before016 = tempDir();
    const migrations = path.join(__dirname, '..', '..', '..', 'migrations');
    for (const file of fs.readdirSync(migrations).filter((f) => f.endsWith('.sql') && f < '016')) fs.copyFileSync(path.join(migrations, file), path.join(before016, file));
    const old = openDatabaseFile(path.join(dataDir, 'portico.db'));
    applyMigrations(old, before016);
    old.pragma('foreign_keys = OFF'); // the acceptance needs no terms
    old.exec(`INSERT INTO sites (id, name, website_url, created_at) VALUES (1, 'Café', 'https://cafe.example/', 100), (2, 'Bar', 'https://bar.example/', 200);
      INSERT INTO acceptances (accepted_at, local_day, local_hour, local_weekday, site_id, terms_version_id, language, handoff)
        VALUES (500, '2026-11-27', 12, 5, 1, 1, 'en', 'test');`);
    old.close();

    const migrated = openSqliteStore(dataDir);
    assert.equal((await migrated.getSite(1))!.guestPagePreviewedAt, 100);
    assert.equal((await migrated.getSite(2))!.guestPagePreviewedAt, null);
    await migrated.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(before016, { recursive: true, force: true });
  });

  it('keeps acceptances per hour and per breakdown, from the split of the old roll-up and from the store alike (migration 010)', async () => {
    const dataDir = tempDir();
    const before010 = tempDir();
    const migrations = path.join(__dirname, '..', '..', '..', 'migrations');
    for (const file of fs.readdirSync(migrations).filter((f) => f.endsWith('.sql') && f < '010')) fs.copyFileSync(path.join(migrations, file), path.join(before010, file));
    const insertSql = `INSERT INTO acceptances (accepted_at, local_day, local_hour, local_weekday, site_id, gateway_id, terms_version_id, device_id, language, handoff, device_family)
      VALUES (0, ?, ?, ?, 1, ?, ?, ?, ?, 'test', ?)`;
    const rows: [string, number, number, string | null, number, string, string, string][] = [];
    for (let i = 0; i < 200; i++) {
      rows.push([`2026-11-0${1 + (i % 3)}`, i % 5, 1 + (i % 3), i % 4 === 0 ? null : 'gw', 1 + (i % 2), `device${i % 17}`, ['en', 'de'][i % 2], ['ios', 'android', 'other'][i % 3]]);
    }
    const old = openDatabaseFile(path.join(dataDir, 'portico.db'));
    applyMigrations(old, before010);
    old.pragma('foreign_keys = OFF'); // the rows need no venue, router or terms
    for (const row of rows.slice(0, 150)) old.prepare(insertSql).run(...row);
    old.close();

    const migrated = openSqliteStore(dataDir);
    rawDatabase(migrated).pragma('foreign_keys = OFF');
    for (const [localDay, localHour, localWeekday, gatewayId, termsVersionId, deviceId, language, deviceFamily] of rows.slice(150)) {
      await migrated.recordAcceptance({
        acceptedAt: 0, gatewayId, termsVersionId, deviceId, clientMac: null, clientIp: null, userAgent: null, language, handoff: 'test',
        siteId: 1, localDay, localHour, localWeekday, deviceFamily, macRandomised: null,
      });
    }
    const all = (sql: string) => rawDatabase(migrated).prepare(sql).all();
    assert.deepEqual(
      all('SELECT site_id, local_day, gateway_id, local_hour, local_weekday, acceptances FROM acceptance_hours ORDER BY 1, 2, 3, 4'),
      all(`SELECT site_id, local_day, coalesce(gateway_id, '') AS gateway_id, local_hour, local_weekday, count(*) AS acceptances
        FROM acceptances GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`));
    assert.deepEqual(
      all('SELECT site_id, local_day, gateway_id, terms_version_id, language, device_family, acceptances FROM acceptance_breakdowns ORDER BY 1, 2, 3, 4, 5, 6'),
      all(`SELECT site_id, local_day, coalesce(gateway_id, '') AS gateway_id, terms_version_id, language, device_family, count(*) AS acceptances
        FROM acceptances GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`));
    assert.equal(all("SELECT name FROM sqlite_master WHERE name = 'acceptance_counts'").length, 0);
    await migrated.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(before010, { recursive: true, force: true });
  });

  it('seeds one venue with placeholder terms, once', async () => {
    assert.equal((await ensureVenue(store, 2_000)).id, site.id);
    const terms = await store.listTerms(site.id);
    assert.equal(terms.length, 1);
    assert.equal(terms[0].release, 1);
  });

  it('publishes terms as new releases and never changes an old one', async () => {
    const before = (await store.currentTerms(site.id))!;
    const [en, de] = await store.publishTerms(site.id, termsTexts([{ language: 'en', body: 'New rules' }, { language: 'de', body: 'Neue Regeln' }]), 5_000);
    assert.equal(en.release, before.release + 1);
    assert.equal(de.release, en.release);
    assert.equal(en.sha256, createHash('sha256').update('New rules').digest('hex'));
    assert.equal((await store.getTermsVersion(before.id))!.body, before.body);
    assert.equal((await store.currentTerms(site.id, 'de'))!.body, 'Neue Regeln');
    assert.equal((await store.currentTerms(site.id, 'fr'))!.body, 'New rules', 'falls back to the default language');
  });

  it('refuses a second gateway with the same id', async () => {
    await store.addGateway({ id: 'gw', siteId: site.id, type: 'pfsense', name: 'GW', settings: { address: 'a' } }, 1);
    await assert.rejects(store.addGateway({ id: 'gw', siteId: site.id, type: 'pfsense', name: 'GW', settings: {} }, 2), StoreConflictError);
    assert.deepEqual((await store.getGateway('gw'))!.settings, { address: 'a' });
  });

  it('fixes the venue-local day and hour of an acceptance at insert', async () => {
    const berlin = await store.updateSite(site.id, { timezone: 'Europe/Berlin' });
    const terms = (await store.currentTerms(site.id))!;
    // 22:30 UTC on 24 October 2026 is 00:30 on Sunday the 25th in Berlin (CEST, UTC+2).
    const acceptance = await store.recordAcceptance(describeAcceptance(berlin, {
      acceptedAt: Date.UTC(2026, 9, 24, 22, 30), gatewayId: 'gw', termsVersionId: terms.id, deviceId: null, clientMac: null,
      clientIp: '10.0.0.2', userAgent: null, language: 'en', handoff: 'test',
    }));
    const row = rawDatabase(store).prepare('SELECT local_day, local_hour, local_weekday FROM acceptances WHERE id = ?').get(acceptance.id);
    assert.deepEqual(row, { local_day: '2026-10-25', local_hour: 0, local_weekday: 7 });
  });
});

describe('venue calendar', () => {
  it('follows daylight saving time', () => {
    // Berlin leaves summer time at 03:00 CEST on 25 October 2026 (01:00 UTC).
    assert.deepEqual(localCalendar(Date.UTC(2026, 9, 25, 0, 30), 'Europe/Berlin'), { day: '2026-10-25', hour: 2, weekday: 7 });
    assert.deepEqual(localCalendar(Date.UTC(2026, 9, 25, 1, 30), 'Europe/Berlin'), { day: '2026-10-25', hour: 2, weekday: 7 });
    assert.deepEqual(localCalendar(Date.UTC(2026, 2, 29, 1, 30), 'Europe/Berlin'), { day: '2026-03-29', hour: 3, weekday: 7 });
    assert.deepEqual(localCalendar(Date.UTC(2026, 10, 27, 23, 59), 'America/New_York'), { day: '2026-11-27', hour: 18, weekday: 5 });
  });
});
