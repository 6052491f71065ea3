import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import pg from 'pg';
import { describeAcceptance } from '../../app/acceptance-record';
import { termsTexts } from '../../app/content-digests';
import { StoreConflictError } from '../../app/errors';
import { openPostgresStore, type PostgresStore } from '../../app/store/postgres';
import { openSqliteStore } from '../../app/store/sqlite';
import type { Site, Store } from '../../app/store/types';
import { runCli, tempDir } from '../helpers';
import { dropSchema, notRun, postgresUrl, schemaName } from '../postgres/database';

/*
 * Two Portico instances, each its own store and pool, on one PostgreSQL database: what the SQLite store
 * keeps in one transaction must hold while they race each other.
 */

const t0 = Date.UTC(2026, 4, 4, 10, 0, 0);
const day = 86_400_000;

/** Two stores opened at once on a new schema (the migrations race too); closing both drops the schema. */
async function twoInstances(schema = schemaName()): Promise<[PostgresStore, PostgresStore, () => Promise<void>]> {
  const [a, b] = await Promise.all([openPostgresStore(postgresUrl, { schema }), openPostgresStore(postgresUrl, { schema })]);
  return [a, b, async () => {
    await Promise.all([a.close(), b.close()]);
    await dropSchema(schema);
  }];
}

async function venue(store: Store): Promise<{ site: Site; termsVersionId: number }> {
  const site = await store.createSite({
    slug: 'cafe', name: 'Café', websiteUrl: 'https://cafe.example/', timezone: 'Europe/Berlin', sessionMinutes: 60, rememberDays: 7, defaultLanguage: 'en',
    accentColor: '#123456',
  }, t0);
  const [terms] = await store.publishTerms(site.id, termsTexts([{ language: 'en', body: 'Be nice.' }]), t0);
  await store.addGateway({ id: 'hall', siteId: site.id, type: 'wifidog', name: 'Hall', settings: {} }, t0);
  return { site, termsVersionId: terms.id };
}

const accept = (store: Store, site: Site, termsVersionId: number, fields: { acceptedAt?: number; deviceId?: string | null; stateNonce?: string; clientMac?: string } = {}) =>
  store.recordAcceptance(describeAcceptance(site, {
    acceptedAt: t0, gatewayId: 'hall', termsVersionId, deviceId: null, clientMac: null, clientIp: '10.0.0.2', userAgent: null, language: 'en',
    handoff: 'test', ...fields,
  }));

async function until(check: () => Promise<boolean>, withinMs: number): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    assert.ok(Date.now() - start < withinMs, `not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - start;
}

if (notRun) test('PostgreSQL store: several instances on one database', { skip: notRun }, () => {});
else describe('PostgreSQL store: several instances on one database', () => {
  const schema = schemaName();
  let a: PostgresStore;
  let b: PostgresStore;
  let site: Site;
  let termsVersionId: number;

  before(async () => {
    [a, b] = await twoInstances(schema);
    ({ site, termsVersionId } = await venue(a));
  });
  after(async () => {
    await Promise.all([a.close(), b.close()]);
    await dropSchema(schema);
  });

  it('applies each migration once when instances start together, and makes one secret they share', async () => {
    const fresh = schemaName();
    const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore(postgresUrl, { schema: fresh })));
    try {
      const { rows } = await stores[0].pool.query<{ version: number; n: number }>('SELECT version, count(*) AS n FROM schema_migrations GROUP BY version');
      assert.ok(rows.length > 0);
      assert.ok(rows.every((row) => row.n === 1), JSON.stringify(rows));
      assert.equal(stores[0].secret.length, 32);
      assert.ok(stores.every((store) => store.secret.equals(stores[0].secret)), 'one secret for the installation');
      assert.equal((await stores[0].pool.query('SELECT * FROM installation_secret')).rowCount, 1);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      await dropSchema(fresh);
    }
    assert.ok(a.secret.equals(b.secret));
  });

  it('opens an up-to-date database without waiting for the migration lock, with the same secret', async () => {
    const holder = new pg.Client({ connectionString: postgresUrl });
    await holder.connect();
    try {
      // As an instance migrating another schema's store, or stuck mid-migration, would hold it.
      await holder.query('SELECT pg_advisory_lock(hashtext($1))', [`portico:migrations ${schema}`]);
      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<'stuck'>((resolve) => { timer = setTimeout(() => resolve('stuck'), 5000); });
      const opened = await Promise.race([openPostgresStore(postgresUrl, { schema, hearChanges: false }), stuck]);
      clearTimeout(timer);
      assert.notEqual(opened, 'stuck', 'the open waited for the migration lock');
      const store = opened as PostgresStore;
      assert.ok(store.secret.equals(a.secret));
      await store.close();
    } finally {
      await holder.end();
    }
  });

  it('caches nothing in a store that does not hear changes (a command): every read is the database\'s', async () => {
    const command = await openPostgresStore(postgresUrl, { schema, hearChanges: false });
    try {
      assert.equal((await command.getSite(site.id))?.name, 'Café');
      // Changed behind every store's back: no NOTIFY is sent for it, so only a store that does not cache sees it.
      await a.pool.query('ALTER TABLE sites DISABLE TRIGGER USER');
      try {
        await a.pool.query('UPDATE sites SET name = $1 WHERE id = $2', ['Café Nord', site.id]);
      } finally {
        await a.pool.query('ALTER TABLE sites ENABLE TRIGGER USER');
      }
      assert.equal((await command.getSite(site.id))?.name, 'Café Nord');
    } finally {
      await a.pool.query('UPDATE sites SET name = $1 WHERE id = $2', ['Café', site.id]);
      await command.close();
    }
  });

  it('starts a guest session on one instance only when both start it at once', async () => {
    const acceptance = await accept(a, site, termsVersionId, { deviceId: 'racer', clientMac: '02:00:00:00:00:0a' });
    for (let i = 0; i < 20; i++) {
      const key = `race-${i}`;
      await a.openGuestSession({
        gatewayId: 'hall', sessionKey: key, acceptanceId: acceptance.id, siteId: site.id, deviceId: 'racer', clientMac: '02:00:00:00:00:0a',
        clientIp: '10.0.0.2', startBy: t0 + day,
      });
      const start = { gatewayId: 'hall', sessionKey: key, clientMac: '02:00:00:00:00:0a', clientIp: '10.0.0.2', at: t0 + i, localDay: '2026-05-04', reportDueAt: t0 + day };
      const started = await Promise.all([a.startGuestSession(start), b.startGuestSession(start)]);
      assert.equal(started.filter(Boolean).length, 1, key);
    }
  });

  it('accepts one terms page once when both instances record it at once: one row, the other a repeat', async () => {
    for (let i = 0; i < 20; i++) {
      const stateNonce = `nonce-${i}`;
      const [first, second] = await Promise.all([accept(a, site, termsVersionId, { stateNonce }), accept(b, site, termsVersionId, { stateNonce, acceptedAt: t0 + 1 })]);
      assert.deepEqual([first.repeat, second.repeat].sort(), [false, true], stateNonce);
      assert.equal(first.id, second.id);
      assert.equal((await a.pool.query('SELECT 1 FROM acceptances WHERE state_nonce = $1', [stateNonce])).rowCount, 1);
    }
  });

  it('accepts a one-time RADIUS login once when both instances are asked at once', async () => {
    const acceptance = await accept(a, site, termsVersionId);
    for (let i = 0; i < 20; i++) {
      const username = `g-race-${i}`;
      await a.issueRadiusCredential({
        username, gatewayId: 'hall', acceptanceId: acceptance.id, siteId: site.id, clientMac: null, clientIp: '10.0.0.2', language: 'en', issuedAt: t0, useBy: t0 + day,
      });
      const accepted = await Promise.all([a.acceptRadiusCredential(username, t0 + 1), b.acceptRadiusCredential(username, t0 + 1)]);
      assert.deepEqual(accepted.sort(), [false, true], username);
      const linked = await Promise.all([a.linkRadiusSession(username, 'acct-a'), b.linkRadiusSession(username, 'acct-b')]);
      assert.deepEqual(linked.sort(), [false, true], username);
    }
  });

  it('creates the first admin once with one setup token used on both instances at once, and never removes the last admin', async () => {
    const [x, y, closeBoth] = await twoInstances();
    try {
      await x.replaceSetupToken('token', t0);
      const created = await Promise.all([x.createFirstAdmin('token', 'alice', 'h', t0), y.createFirstAdmin('token', 'bob', 'h', t0)]);
      assert.equal(created.filter(Boolean).length, 1);
      assert.equal(await x.countAdminUsers(), 1);
      const other = await y.addAdminUser('carol', 'h', t0);
      const removed = await Promise.allSettled([x.removeAdminUser(created.find(Boolean)!.id), y.removeAdminUser(other.id)]);
      assert.equal(removed.filter((outcome) => outcome.status === 'fulfilled').length, 1);
      assert.ok(removed.some((outcome) => outcome.status === 'rejected' && outcome.reason instanceof StoreConflictError));
      assert.equal(await y.countAdminUsers(), 1);
    } finally {
      await closeBoth();
    }
  });

  it('counts the same figures as SQLite after both instances took acceptances and sessions at once', async () => {
    const [x, y, closeBoth] = await twoInstances();
    const sqliteDir = tempDir();
    const sqlite = openSqliteStore(sqliteDir);
    try {
      const pg = await venue(x);
      const lite = await venue(sqlite);
      // Two days in time order, as acceptances arrive; within a day the two instances race.
      const guests = (dayIndex: number) => Array.from({ length: 120 }, (_, i) => ({
        acceptedAt: t0 + dayIndex * day + i * 1000, deviceId: `d${(i * 7 + dayIndex) % 45}`,
        clientMac: i % 3 === 0 ? '02:00:00:00:00:01' : '00:11:22:33:44:55',
      }));
      for (const dayIndex of [0, 1]) {
        await Promise.all(guests(dayIndex).map((guest, i) => accept(i % 2 ? x : y, pg.site, pg.termsVersionId, guest)));
        for (const guest of guests(dayIndex)) await accept(sqlite, lite.site, lite.termsVersionId, guest);
      }
      const query = (siteId: number) => ({ siteId, fromDay: '2026-05-04', toDay: '2026-05-05', now: t0 + 2 * day });
      const [fromX, fromY, expected] = await Promise.all([x.statistics(query(pg.site.id)), y.statistics(query(pg.site.id)), sqlite.statistics(query(lite.site.id))]);
      assert.equal(expected.acceptances, 240);
      assert.deepEqual(fromX, expected);
      assert.deepEqual(fromY, expected);
    } finally {
      await Promise.all([closeBoth(), sqlite.close()]);
      fs.rmSync(sqliteDir, { recursive: true, force: true });
    }
  });

  it('runs a scheduled job (the daily purge) on one instance a day, whichever asks first', async () => {
    const claims = await Promise.all([a, b, a, b].map((store) => store.claimScheduledRun('purge-test', t0, day)));
    assert.equal(claims.filter(Boolean).length, 1);
    assert.deepEqual(await Promise.all([a.claimScheduledRun('purge-test', t0 + day - 1, day), b.claimScheduledRun('purge-test', t0 + day - 1, day)]), [false, false]);
    const next = await Promise.all([a.claimScheduledRun('purge-test', t0 + day, day), b.claimScheduledRun('purge-test', t0 + day, day)]);
    assert.equal(next.filter(Boolean).length, 1);
  });

  it('sees a venue, router or terms change made on the other instance within a second, without polling', async () => {
    const read = async () => (await b.getSite(site.id))!.name;
    assert.equal(await read(), 'Café');
    assert.equal(await b.getSite(site.id), await b.getSite(site.id), 'served from the cache');
    await a.updateSite(site.id, { name: 'Café Neu' });
    await until(async () => (await read()) === 'Café Neu', 1000);
    assert.equal((await b.getGateway('hall'))!.name, 'Hall');
    await a.renameGateway('hall', 'Main hall');
    await until(async () => (await b.getGateway('hall'))!.name === 'Main hall', 1000);
    const release = (await b.currentTerms(site.id))!.release;
    await a.publishTerms(site.id, termsTexts([{ language: 'en', body: 'Be nicer.' }]), t0 + 1);
    await until(async () => (await b.currentTerms(site.id))!.release === release + 1, 1000);
  });

  it('sees a change made by `npx portico` on DATABASE_URL within a second', async () => {
    const folder = tempDir();
    // The command's own connection, on this test's schema.
    const url = `${postgresUrl}${postgresUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const result = await runCli(['settings', 'set', 'venue_name', 'Bar Centrale'], { dataDir: folder, env: { DATABASE_URL: url } });
    assert.equal(result.code, 0, result.err);
    await until(async () => (await b.getDefaultSite())!.name === 'Bar Centrale' && (await b.getSite(site.id))!.name === 'Bar Centrale', 1000);
    // A command works with the installation's secret from the database: no secret.key is made in DATA_DIR.
    const exported = await runCli(['guest', 'export', '02:00:00:00:00:0a'], { dataDir: folder, env: { DATABASE_URL: url } });
    assert.equal(exported.code, 0, exported.err);
    assert.equal(fs.existsSync(path.join(folder, 'secret.key')), false);
    fs.rmSync(folder, { recursive: true, force: true });
  });
});
