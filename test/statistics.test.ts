import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { run } from '../app/cli';
import { addDays, choosePeriod, isCalendarDay, venueStatistics, type VenueStatistics } from '../app/statistics';
import { reportIntervalOf } from '../app/gateways';
import { seedStatisticsFixture, routerPinged } from './fixtures/statistics';
import { testPortal, type TestPortal } from './helpers';
import { describeAcceptance } from '../app/acceptance-record';

describe('statistics over a hand-counted fixture (Europe/Berlin, both DST changes)', () => {
  let portal: TestPortal;
  const figures = async (fromDay: string, toDay: string, gateway: string | null = null) =>
    venueStatistics(portal.store, (await portal.store.getDefaultSite())!, { fromDay, toDay }, gateway, portal.clock(), () => reportIntervalOf);

  before(async () => {
    portal = await testPortal();
    await seedStatisticsFixture(portal);
  });
  after(() => portal.close());

  it('counts acceptances, devices, new and returning per day across the spring-forward day', async () => {
    const stats = await figures('2026-03-28', '2026-03-30');
    assert.equal(stats.acceptances, 6);
    assert.deepEqual([stats.uniqueDevices, stats.newDevices, stats.returningDevices], [3, 3, 0]);
    assert.deepEqual(stats.days, [
      { day: '2026-03-28', acceptances: 1, newDevices: 1, returningDevices: 0 },
      { day: '2026-03-29', acceptances: 4, newDevices: 2, returningDevices: 1 },
      { day: '2026-03-30', acceptances: 1, newDevices: 0, returningDevices: 1 },
    ]);
    // Local hours: 02:xx did not exist on 29 March; 01:30 CET and 03:30 CEST are an hour apart.
    assert.deepEqual(stats.hours, [
      { weekday: 1, hour: 0, acceptances: 1 },
      { weekday: 6, hour: 23, acceptances: 1 },
      { weekday: 7, hour: 0, acceptances: 1 },
      { weekday: 7, hour: 1, acceptances: 1 },
      { weekday: 7, hour: 3, acceptances: 1 },
      { weekday: 7, hour: 23, acceptances: 1 },
    ]);
    assert.deepEqual(stats.byTermsRelease, [{ release: 2, acceptances: 5 }, { release: 1, acceptances: 1 }]);
    assert.deepEqual(stats.byLanguage, [{ language: 'en', acceptances: 4 }, { language: 'de', acceptances: 2 }]);
    assert.deepEqual(stats.byDeviceFamily, [
      { family: 'android', acceptances: 2 }, { family: 'ios', acceptances: 2 }, { family: 'macos', acceptances: 1 }, { family: 'windows', acceptances: 1 },
    ]);
    assert.deepEqual([stats.randomisedMacDevices, stats.devicesWithMac], [2, 3]);
    assert.equal(stats.randomisedMacShare, 2 / 3);
  });

  it('counts a device seen before the period as returning, once', async () => {
    const stats = await figures('2026-03-29', '2026-03-30');
    assert.deepEqual([stats.acceptances, stats.uniqueDevices, stats.newDevices, stats.returningDevices], [5, 3, 2, 1]);
    const long = await figures('2026-03-29', '2026-10-25');
    assert.deepEqual([long.acceptances, long.uniqueDevices, long.newDevices, long.returningDevices], [10, 6, 5, 1]);
    const all = await figures('2026-03-01', '2026-10-31');
    assert.deepEqual([all.acceptances, all.uniqueDevices, all.newDevices, all.returningDevices], [12, 6, 6, 0]);
    assert.equal(all.days.length, 245);
  });

  it('counts the fall-back day in venue hours: 02:30 happened twice', async () => {
    const stats = await figures('2026-10-25', '2026-10-26');
    assert.deepEqual(stats.days, [
      { day: '2026-10-25', acceptances: 5, newDevices: 3, returningDevices: 1 },
      { day: '2026-10-26', acceptances: 1, newDevices: 0, returningDevices: 1 },
    ]);
    assert.deepEqual([stats.uniqueDevices, stats.newDevices, stats.returningDevices], [4, 3, 1]);
    assert.deepEqual(stats.hours, [
      { weekday: 1, hour: 0, acceptances: 1 },
      { weekday: 7, hour: 0, acceptances: 1 },
      { weekday: 7, hour: 2, acceptances: 2 },
      { weekday: 7, hour: 13, acceptances: 1 },
      { weekday: 7, hour: 23, acceptances: 1 },
    ]);
    assert.deepEqual(stats.byDeviceFamily, [{ family: 'ios', acceptances: 3 }, { family: 'other', acceptances: 2 }, { family: 'android', acceptances: 1 }]);
    assert.equal(stats.randomisedMacShare, 1 / 4);
  });

  it('counts per router, where "returning" means seen by that router before', async () => {
    const terrace = await figures('2026-03-28', '2026-03-30', 'terrace');
    assert.deepEqual([terrace.acceptances, terrace.uniqueDevices, terrace.newDevices, terrace.returningDevices], [2, 2, 2, 0]);
    assert.deepEqual(terrace.routers.map((r) => r.id), ['terrace']);
    const bar = await figures('2026-10-25', '2026-10-26', 'bar');
    assert.deepEqual([bar.acceptances, bar.uniqueDevices, bar.newDevices, bar.returningDevices], [6, 4, 3, 1]);
    await assert.rejects(figures('2026-03-28', '2026-03-30', 'nowhere'), /no router "nowhere"/);
  });

  it('reports sessions, average and median length, data used and who is online now', async () => {
    const stats = await figures('2026-03-28', '2026-03-30');
    // Ended: 60, 300, 600, 1200 s; one still running; the unused token is no session.
    assert.deepEqual([stats.sessions, stats.endedSessions, stats.averageSessionSeconds, stats.medianSessionSeconds, stats.bytes, stats.onlineNow],
      [5, 4, 540, 450, 4100, 1]);
    const oneDay = await figures('2026-03-29', '2026-03-29');
    assert.deepEqual([oneDay.sessions, oneDay.averageSessionSeconds, oneDay.medianSessionSeconds, oneDay.bytes], [3, 520, 300, 1000]);
    const bar = await figures('2026-03-28', '2026-03-30', 'bar');
    assert.deepEqual([bar.sessions, bar.medianSessionSeconds, bar.onlineNow], [4, 600, 1]);
    const none = await figures('2026-10-25', '2026-10-25');
    assert.deepEqual([none.sessions, none.averageSessionSeconds, none.medianSessionSeconds, none.bytes], [0, null, null, 0]);
  });

  it('shows a router as down only after more than three silent check intervals', async () => {
    await routerPinged(portal, 'bar', portal.clock());
    await routerPinged(portal, 'hall', portal.clock());
    const status = async () => Object.fromEntries((await figures('2026-03-28', '2026-03-30')).routers.map((r) => [r.id, r.status]));
    assert.deepEqual(await status(), { bar: 'up', hall: 'up', terrace: 'never' });
    portal.clock.advance(90_000); // bar checks every 30 s: exactly three intervals
    assert.deepEqual(await status(), { bar: 'up', hall: 'up', terrace: 'never' });
    portal.clock.advance(1_000);
    assert.deepEqual(await status(), { bar: 'down', hall: 'up', terrace: 'never' });
    portal.clock.advance(90_000); // hall has the default 60 s: 181 s silent
    assert.deepEqual(await status(), { bar: 'down', hall: 'down', terrace: 'never' });
    const bar = (await figures('2026-03-28', '2026-03-30')).routers.find((r) => r.id === 'bar')!;
    assert.deepEqual([bar.uptimeSeconds, bar.load, bar.silentSeconds], [86400, 0.25, 181]);
  });

  it('prints the same figures with stats --json, and a readable text without', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { env: { DATA_DIR: portal.dataDir }, folder: portal.dataDir, out: (t: string) => out.push(t), err: (t: string) => err.push(t), now: portal.clock, readPassword: async () => '' };
    assert.equal(await run(['stats', '--from', '2026-03-28', '--to', '2026-03-30', '--json'], io), 0, err.join(''));
    const json = JSON.parse(out.join('')) as VenueStatistics;
    assert.deepEqual(
      [json.acceptances, json.uniqueDevices, json.newDevices, json.returningDevices, json.sessions, json.medianSessionSeconds, json.bytes],
      [6, 3, 3, 0, 5, 450, 4100]);
    assert.deepEqual(json, JSON.parse(JSON.stringify(await figures('2026-03-28', '2026-03-30'))));

    out.length = 0;
    assert.equal(await run(['stats', '--from', '2026-10-25', '--to', '2026-10-26', '--gateway', 'bar'], io), 0, err.join(''));
    const text = out.join('');
    assert.match(text, /^acceptances +6$/m);
    assert.match(text, /^ +returning +1$/m);
    assert.match(text, /^2026-10-25 +5 +3 +1$/m);

    for (const bad of [['--from', '2026-02-30'], ['--from', '2026-03-02', '--to', '2026-03-01'], ['--gateway', 'nowhere'], ['--from', '2025-01-01', '--to', '2026-03-01']]) {
      err.length = 0;
      assert.equal(await run(['stats', ...bad], io), 1, bad.join(' '));
      assert.match(err.join(''), /portico stats: /);
    }
  });
});

describe('a remembered device (remember_days) going online without a new acceptance', () => {
  let portal: TestPortal;
  before(async () => { portal = await testPortal(); });
  after(() => portal.close());

  it('is seen that day, as returning', async () => {
    const { store } = portal;
    const site = await store.updateSite(portal.site.id, { timezone: 'Europe/Berlin', rememberDays: 30 });
    await store.addGateway({ id: 'bar', siteId: site.id, type: 'wifidog', name: 'Bar', settings: {} }, portal.clock());
    const terms = (await store.currentTerms(site.id))!;
    const accepted = await store.recordAcceptance(describeAcceptance(site, {
      acceptedAt: Date.parse('2026-05-04T18:00:00Z'), gatewayId: 'bar', termsVersionId: terms.id, deviceId: 'device-x',
      clientMac: '06:00:00:00:00:01', clientIp: '10.0.0.5', userAgent: null, language: 'en', handoff: 'test',
    }));
    // Two days later the router logs the device in on a session offered for that acceptance, as the WiFiDog driver does.
    await store.openGuestSession({
      gatewayId: 'bar', sessionKey: 'remembered', acceptanceId: accepted.id, siteId: site.id, deviceId: 'device-x', clientMac: null,
      clientIp: '10.0.0.5', startBy: Date.parse('2026-05-06T17:01:00Z'),
    });
    const at = Date.parse('2026-05-06T17:00:00Z');
    await store.startGuestSession({
      gatewayId: 'bar', sessionKey: 'remembered', clientMac: '06:00:00:00:00:01', clientIp: '10.0.0.5', at, localDay: '2026-05-06', reportDueAt: at + 180_000,
    });

    const stats = await venueStatistics(store, site, { fromDay: '2026-05-06', toDay: '2026-05-06' }, null, portal.clock(), () => reportIntervalOf);
    assert.deepEqual([stats.acceptances, stats.uniqueDevices, stats.newDevices, stats.returningDevices, stats.sessions], [0, 1, 0, 1, 1]);
    assert.deepEqual(stats.days, [{ day: '2026-05-06', acceptances: 0, newDevices: 0, returningDevices: 1 }]);
    assert.equal(stats.randomisedMacShare, 1);
    const both = await venueStatistics(store, site, { fromDay: '2026-05-04', toDay: '2026-05-06' }, 'bar', portal.clock(), () => reportIntervalOf);
    assert.deepEqual([both.acceptances, both.uniqueDevices, both.newDevices, both.returningDevices], [1, 1, 1, 0]);
  });
});

describe('periods', () => {
  it('are the venue\'s calendar days, whatever the clock changes', () => {
    assert.deepEqual(choosePeriod('7d', undefined, undefined, () => '2026-03-31'), { fromDay: '2026-03-25', toDay: '2026-03-31' });
    assert.deepEqual(choosePeriod('30d', undefined, undefined, () => '2026-03-01'), { fromDay: '2026-01-31', toDay: '2026-03-01' });
    assert.deepEqual(choosePeriod('today', '2020-01-01', undefined, () => '2026-10-25'), { fromDay: '2026-10-25', toDay: '2026-10-25' });
    assert.deepEqual(choosePeriod('custom', '2026-10-24', undefined, () => '2026-11-01'), { fromDay: '2026-10-24', toDay: '2026-11-01' }, 'from alone runs to today');
    assert.deepEqual(choosePeriod('custom', undefined, '2026-10-24', () => '2026-11-01'), { fromDay: '2026-10-24', toDay: '2026-10-24' }, 'to alone is that day');
    assert.equal(addDays('2026-10-25', 1), '2026-10-26');
    assert.equal(isCalendarDay('2028-02-29'), true);
    assert.equal(isCalendarDay('2026-02-29'), false);
    assert.throws(() => choosePeriod('custom', undefined, undefined, () => '2026-03-01'), /^Error: Choose the first or the last day of the period\.$/);
  });
});
