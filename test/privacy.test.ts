import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { deviceIdFor } from '../app/device-id';
import { exportGuest, forgetGuest, purgeExpiredPersonalData, storablePersonalFields } from '../app/privacy';
import { venueStatistics } from '../app/statistics';
import { reportIntervalOf } from '../app/gateways';
import { runCli, testPortal, type TestPortal } from './helpers';
import { acceptAsPfSenseGuest, pfsenseRouterAddress } from './sim/pfsense-guest';
import { describeAcceptance } from '../app/acceptance-record';
import { rawDatabase } from './store/raw';

const dayMs = 24 * 60 * 60 * 1000;
const alice = { mac: '02:00:00:00:00:a1', ip: '192.168.1.21' };
const bob = { mac: '02:00:00:00:00:b2', ip: '192.168.1.22' };

async function portalWithGateway(env: Record<string, string> = {}): Promise<TestPortal> {
  const portal = await testPortal(env);
  await portal.store.addGateway({ id: 'cafe', siteId: portal.site.id, type: 'pfsense', name: 'Café', settings: { address: pfsenseRouterAddress } }, portal.clock());
  return portal;
}

function cliOn(portal: TestPortal) {
  return { dataDir: portal.dataDir, publicUrl: portal.config.publicUrl.href, now: portal.clock };
}

function acceptances(portal: TestPortal) {
  return rawDatabase(portal.store).prepare('SELECT * FROM acceptances ORDER BY id').all() as Record<string, unknown>[];
}

function addSession(portal: TestPortal, fields: { mac: string; ip: string; deviceId: string; startedAt: number | null; endedAt: number | null; expiresAt: number }) {
  rawDatabase(portal.store).prepare(`INSERT INTO guest_sessions (site_id, gateway_id, session_key, device_id, client_mac, client_ip, start_by, started_at, ended_at)
    VALUES (?, 'cafe', ?, ?, ?, ?, ?, ?, ?)`).run(portal.site.id, `hash-${Math.random()}`, fields.deviceId, fields.mac, fields.ip, fields.expiresAt, fields.startedAt, fields.endedAt);
}

describe('privacy: retention, purge, export and forget', () => {
  let portal: TestPortal;
  afterEach(() => portal.close());

  it('stores the device id but never the raw MAC, IP or user agent when RETENTION_DAYS is 0', async () => {
    portal = await portalWithGateway({ RETENTION_DAYS: '0' });
    assert.equal((await acceptAsPfSenseGuest(portal.app, 'cafe', alice)).status, 307);
    const [row] = acceptances(portal);
    assert.equal(row.device_id, deviceIdFor(portal.ctx.keys.deviceId, alice.mac));
    assert.deepEqual([row.client_mac, row.client_ip, row.user_agent], [null, null, null]);
    assert.deepEqual(storablePersonalFields({ retentionDays: 30 }, { clientMac: 'm', clientIp: 'i', userAgent: 'u' }), { clientMac: 'm', clientIp: 'i', userAgent: 'u' });
  });

  it('purges personal fields older than the retention period and keeps the acceptance as evidence', async () => {
    portal = await portalWithGateway({ RETENTION_DAYS: '30' });
    const old = await acceptAsPfSenseGuest(portal.app, 'cafe', alice);
    assert.equal(old.status, 307);
    portal.clock.advance(20 * dayMs);
    await acceptAsPfSenseGuest(portal.app, 'cafe', bob);
    const aliceId = deviceIdFor(portal.ctx.keys.deviceId, alice.mac);
    const bobId = deviceIdFor(portal.ctx.keys.deviceId, bob.mac);
    addSession(portal, { ...alice, deviceId: aliceId, startedAt: portal.clock() - 20 * dayMs, endedAt: portal.clock() - 20 * dayMs + 3600_000, expiresAt: 0 });
    addSession(portal, { ...bob, deviceId: bobId, startedAt: portal.clock() - 40 * dayMs, endedAt: null, expiresAt: 0 }); // live: kept
    addSession(portal, { ...bob, deviceId: bobId, startedAt: null, endedAt: null, expiresAt: portal.clock() - 5 * dayMs }); // unused token

    portal.clock.advance(15 * dayMs); // alice's acceptance and session are 35 days old, bob's 15
    const change = await purgeExpiredPersonalData(portal.ctx);
    assert.deepEqual(change, { acceptances: 1, guestSessions: 1 });
    const [a, b] = acceptances(portal);
    assert.deepEqual([a.client_mac, a.client_ip, a.user_agent], [null, null, null]);
    assert.equal(a.device_id, aliceId);
    assert.ok(a.terms_version_id && a.accepted_at && a.local_day);
    assert.equal(b.client_mac, bob.mac);

    // Run again: nothing left to clear; the same from the command line, on its own clock.
    assert.deepEqual(await purgeExpiredPersonalData(portal.ctx), { acceptances: 0, guestSessions: 0 });
    const purge = await runCli(['purge'], { ...cliOn(portal), env: { RETENTION_DAYS: '10' } });
    assert.equal(purge.code, 0);
    assert.match(purge.out, /older than 10 days: 1 acceptances, 1 guest sessions/);
    assert.equal(acceptances(portal)[1].client_mac, null);
  });

  it('purges a backlog larger than one batch, yielding to requests between batches', async () => {
    portal = await portalWithGateway();
    const site = (await portal.store.getDefaultSite())!;
    const terms = (await portal.store.currentTerms(site.id))!;
    const old = portal.clock() - 40 * dayMs;
    await Promise.all(Array.from({ length: 4500 }, (_, i) => portal.store.recordAcceptance(describeAcceptance(site, {
      acceptedAt: old + i, gatewayId: 'cafe', termsVersionId: terms.id, deviceId: 'd', clientMac: alice.mac,
      clientIp: alice.ip, userAgent: 'Phone', language: 'en', handoff: 'test',
    }))));
    let turns = 0;
    const ticker = setInterval(() => { turns++; }, 0);
    const change = await portal.store.purgePersonalData(portal.clock() - 30 * dayMs);
    clearInterval(ticker);
    assert.equal(change.acceptances, 4500);
    assert.equal(rawDatabase(portal.store).prepare('SELECT count(*) FROM acceptances WHERE accepted_at < ? AND client_mac IS NOT NULL').pluck().get(portal.clock() - 30 * dayMs), 0);
    assert.ok(turns >= 1, 'the event loop ran between batches');
  });

  it('exports everything held about one device by MAC and device id, then forgets it', async () => {
    portal = await portalWithGateway();
    await acceptAsPfSenseGuest(portal.app, 'cafe', alice);
    await acceptAsPfSenseGuest(portal.app, 'cafe', bob);
    portal.clock.advance(40 * dayMs);
    await purgeExpiredPersonalData(portal.ctx); // alice's first acceptance now has only its device id
    await acceptAsPfSenseGuest(portal.app, 'cafe', alice);
    const aliceId = deviceIdFor(portal.ctx.keys.deviceId, alice.mac);
    addSession(portal, { ...alice, deviceId: aliceId, startedAt: portal.clock(), endedAt: null, expiresAt: 0 });

    const exported = await exportGuest(portal.ctx, '02-00-00-00-00-A1');
    assert.equal(exported.mac, alice.mac);
    assert.equal(exported.acceptances.length, 2, 'found by device id after the MAC was purged');
    assert.equal(exported.guestSessions.length, 1);
    assert.equal('token_hash' in exported.guestSessions[0], false);
    assert.equal(exported.guestSessions[0].startedAt, new Date(portal.clock()).toISOString(), 'times in ISO 8601 UTC');
    assert.equal(exported.guestSessions[0].router, 'cafe');

    assert.deepEqual(await forgetGuest(portal.ctx, alice.mac), { acceptances: 2, guestSessions: 1 });
    assert.deepEqual(await exportGuest(portal.ctx, alice.mac),
      { mac: alice.mac, deviceId: aliceId, exportedAt: new Date(portal.clock()).toISOString(), acceptances: [], guestSessions: [] });
    const rows = acceptances(portal);
    assert.equal(rows.length, 3, 'the acceptances stay as evidence');
    assert.equal(rows.filter((row) => row.device_id === deviceIdFor(portal.ctx.keys.deviceId, bob.mac)).length, 1, 'other guests untouched');
  });

  it('offers export and forget on the command line', async () => {
    portal = await portalWithGateway();
    await acceptAsPfSenseGuest(portal.app, 'cafe', alice);
    const exportRun = await runCli(['guest', 'export', alice.mac], cliOn(portal));
    assert.equal(exportRun.code, 0);
    const exported = JSON.parse(exportRun.out);
    assert.equal(exported.acceptances.length, 1, 'found by MAC');
    assert.deepEqual(Object.keys(exported.acceptances[0]),
      ['id', 'venue', 'acceptedAt', 'venueDay', 'router', 'termsRelease', 'language', 'deviceId', 'clientMac', 'clientIp', 'userAgent']);
    assert.equal(exported.acceptances[0].clientIp, alice.ip);
    assert.match(exported.acceptances[0].acceptedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(exported.acceptances[0].router, 'cafe');
    const forget = await runCli(['guest', 'forget', alice.mac], cliOn(portal));
    assert.equal(forget.code, 0);
    assert.match(forget.out, /1 acceptances unlinked, 0 guest sessions deleted/);
    assert.equal(acceptances(portal)[0].client_mac, null);
    const wrong = await runCli(['guest', 'forget', 'not-a-mac'], cliOn(portal));
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /is not a MAC address/);
  });
});

describe('privacy: the statistics survive the purge and a forget', () => {
  it('gives the same figures before and after personal fields are purged and a device is forgotten', async () => {
    const portal = await portalWithGateway({ RETENTION_DAYS: '30' });
    try {
      const phones = [
        { mac: '02:00:00:00:10:01', ip: '192.168.1.31', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)' },
        { mac: '3c:22:fb:00:10:02', ip: '192.168.1.32', userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36' },
        { mac: 'a4:83:e7:00:10:03', ip: '192.168.1.33', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)' },
      ];
      // Three days of guests; the iPhone comes back on the later days.
      for (const [day, guests] of [[0, phones], [1, [phones[0], phones[1]]], [2, [phones[0]]]] as const) {
        portal.clock.set(Date.UTC(2026, 10, 2 + day, 12));
        for (const phone of guests) assert.equal((await acceptAsPfSenseGuest(portal.app, 'cafe', phone)).status, 307);
      }
      const period = { fromDay: '2026-11-01', toDay: '2026-11-30' };
      const figures = () => venueStatistics(portal.store, portal.site, period, null, Date.UTC(2026, 10, 30, 12), () => reportIntervalOf);
      const perGateway = () => venueStatistics(portal.store, portal.site, period, 'cafe', Date.UTC(2026, 10, 30, 12), () => reportIntervalOf);
      const before = { all: await figures(), cafe: await perGateway() };
      assert.equal(before.all.acceptances, 6);

      portal.clock.set(Date.UTC(2026, 11, 20, 12)); // 48 days after the first acceptance
      assert.deepEqual(await purgeExpiredPersonalData(portal.ctx), { acceptances: 6, guestSessions: 0 });
      assert.equal(countAcceptancesWhere(portal, 'client_mac IS NOT NULL OR client_ip IS NOT NULL OR user_agent IS NOT NULL'), 0);
      assert.deepEqual({ all: await figures(), cafe: await perGateway() }, before);

      await forgetGuest(portal.ctx, phones[0].mac);
      assert.equal(countAcceptancesWhere(portal, 'device_id IS NOT NULL'), 3);
      assert.deepEqual({ all: await figures(), cafe: await perGateway() }, before);
      const deviceIds = rawDatabase(portal.store).prepare('SELECT DISTINCT device_id FROM device_days').pluck().all();
      assert.equal(deviceIds.includes(deviceIdFor(portal.ctx.keys.deviceId, phones[0].mac)), false, 'no trace of the forgotten device id');
    } finally {
      await portal.close();
    }
  });
});

function countAcceptancesWhere(portal: TestPortal, where: string): number {
  return rawDatabase(portal.store).prepare(`SELECT count(*) FROM acceptances WHERE ${where}`).pluck().get() as number;
}
