import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { hashToken } from '../../app/gateways/wifidog';
import { secondsOnline } from '../../app/portal/captive-portal-api';
import { venueStatistics } from '../../app/statistics';
import { reportIntervalOf } from '../../app/gateways';
import { runCli, testPortal, type TestPortal } from '../helpers';
import { signedInAgent } from '../admin/admin-helpers';
import { authQuery, issuedToken } from './wifidog-tokens';
import { localCalendar } from '../../app/venue-time';
import { rawDatabase } from '../store/raw';

describe('WiFiDog reports are checked against the session they name', () => {
  let portal: TestPortal;
  const guest = { mac: '02:00:00:00:aa:01', ip: '10.99.0.21' };

  before(async () => {
    portal = await testPortal();
    await portal.store.addGateway({ id: 'gw', siteId: portal.site.id, type: 'wifidog', name: 'Bar', settings: { checkIntervalSeconds: 60 } }, portal.clock());
  });
  after(() => portal.close());

  async function onlineGuest(who = guest): Promise<string> {
    const token = await issuedToken(portal, 'gw', who);
    assert.equal((await request(portal.app).get(authQuery('login', 'gw', who, token))).text, 'Auth: 1');
    return token;
  }

  for (const stage of ['counters', 'logout']) {
    it(`${stage} with a valid token but another device's ip is refused and changes nothing`, async () => {
      const token = await onlineGuest();
      const other = await request(portal.app).get(authQuery(stage, 'gw', { ...guest, ip: '10.99.0.99' }, token, { in: 5, out: 5 }));
      assert.equal(other.text, 'Auth: 0');
      const session = (await portal.store.findGuestSession('gw', hashToken(token)))!;
      assert.equal(session.endedAt, null, 'still online');
      assert.equal(session.bytesIn, 0);
      assert.equal((await request(portal.app).get(authQuery('counters', 'gw', guest, token, { in: 5, out: 5 }))).text, 'Auth: 1');
    });
  }

  for (const [what, first, second] of [
    ['more than 10 Gbit/s since the last report', { in: 1000, out: 1000 }, { in: 1000 + 1.25e9 * 130, out: 1000 }],
    ['2^53 bytes out', { in: 1000, out: 1000 }, { in: 1000, out: 2 ** 53 }],
    ['counters going backwards', { in: 5000, out: 5000 }, { in: 4000, out: 6000 }],
  ] as const) {
    it(`does not store ${what}, and keeps the guest online`, async () => {
      const token = await onlineGuest();
      portal.clock.advance(60_000);
      assert.equal((await request(portal.app).get(authQuery('counters', 'gw', guest, token, first))).text, 'Auth: 1');
      portal.clock.advance(60_000);
      assert.equal((await request(portal.app).get(authQuery('counters', 'gw', guest, token, second))).text, 'Auth: 1');
      const session = (await portal.store.findGuestSession('gw', hashToken(token)))!;
      assert.deepEqual([session.bytesIn, session.bytesOut], [first.in, first.out]);
    });
  }

  it('stores what a fast but real link carries in one check interval', async () => {
    const token = await onlineGuest();
    portal.clock.advance(60_000);
    const bytes = { in: 1.25e9 * 60, out: 1.25e9 * 60 };
    assert.equal((await request(portal.app).get(authQuery('counters', 'gw', guest, token, bytes))).text, 'Auth: 1');
    const session = (await portal.store.findGuestSession('gw', hashToken(token)))!;
    assert.deepEqual([session.bytesIn, session.bytesOut], [bytes.in, bytes.out]);
  });

  for (const [what, figures] of [
    ['an uptime of a century', 'sys_uptime=3153600000&sys_memfree=23587496&sys_load=0.5&wifidog_uptime=10'],
    ['a load of 99999', 'sys_uptime=604&sys_memfree=23587496&sys_load=99999&wifidog_uptime=10'],
    ['petabytes free', 'sys_uptime=604&sys_memfree=999999999999999&sys_load=0.5&wifidog_uptime=10'],
    ['wifidog running since before 1970', `sys_uptime=604&sys_memfree=23587496&sys_load=0.5&wifidog_uptime=${1e12}`],
  ] as const) {
    it(`answers a ping with ${what} with Pong but does not record it as the router's health`, async () => {
      const recorded = await portal.store.getGateway('gw');
      portal.clock.advance(1000);
      const pong = await request(portal.app).get(`/wifidog/ping/?gw_id=gw&${figures}`);
      assert.equal(pong.text, 'Pong');
      assert.deepEqual(await portal.store.getGateway('gw'), recorded);
    });
  }

  it('records a ping whose wifidog_uptime jumped with the router\'s first NTP sync', async () => {
    const uptime = Math.floor(portal.clock() / 1000) - 100;
    assert.equal((await request(portal.app).get(`/wifidog/ping/?gw_id=gw&sys_uptime=700&sys_memfree=23587496&sys_load=0.5&wifidog_uptime=${uptime}`)).text, 'Pong');
    assert.equal((await portal.store.getGateway('gw'))!.health?.daemonUptime, uptime);
  });
});

describe('what routers reported before the checks can never break the figures', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await testPortal();
    await portal.store.addGateway({ id: 'gw', siteId: portal.site.id, type: 'wifidog', name: 'Bar', settings: { checkIntervalSeconds: 60 } }, portal.clock());
    // Sessions with the largest counters the old code stored (2^53 each way): their sum is far past SQLite's 64-bit integer.
    for (let n = 0; n < 1100; n++) {
      const guest = { mac: `02:00:00:00:${(n >> 8).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`, ip: `10.99.${n >> 8}.${n & 255}` };
      const token = await issuedToken(portal, 'gw', guest);
      const session = (await portal.store.startGuestSession({
        gatewayId: 'gw', sessionKey: hashToken(token), clientMac: guest.mac, clientIp: guest.ip, at: portal.clock(),
        localDay: localCalendar(portal.clock(), portal.site.timezone).day, reportDueAt: portal.clock() + 180_000,
      }))!;
      await portal.store.recordSessionReport(session.id, { in: Number.MAX_SAFE_INTEGER, out: Number.MAX_SAFE_INTEGER }, portal.clock(), portal.clock() + 180_000);
    }
  });
  after(() => portal.close());

  it('the dashboard answers 200 for the day', async () => {
    const { agent } = await signedInAgent(portal);
    const res = await agent.get('/admin/venues/1/dashboard?from=2026-11-27&to=2026-11-27');
    assert.equal(res.status, 200, res.text.slice(0, 500));
    assert.match(res.text, /Data used/);
  });

  it('npx portico stats exits 0 for the day', async () => {
    const result = await runCli(['stats', '--from', '2026-11-27', '--to', '2026-11-27'], { dataDir: portal.dataDir, publicUrl: 'http://portal.test/' });
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /data used/);
  });
});

describe('a guest acts only for itself: no login ends another device\'s session', () => {
  let portal: TestPortal;
  const victim = { mac: '02:00:00:00:bb:01', ip: '10.99.0.31' };
  const attacker = { mac: '02:00:00:00:bb:66', ip: '10.99.0.66' };
  const period = { fromDay: '2026-11-27', toDay: '2026-11-27' };

  before(async () => {
    portal = await testPortal();
    for (const id of ['gw', 'quiet']) await portal.store.addGateway({ id, siteId: portal.site.id, type: 'wifidog', name: id, settings: { checkIntervalSeconds: 60 } }, portal.clock());
  });
  after(() => portal.close());

  const ask = (path: string) => request(portal.app).get(path).then((response) => response.text);
  const onlineNow = async (gatewayId = 'gw') => (await venueStatistics(portal.store, portal.site, period, gatewayId, portal.clock(), () => reportIntervalOf)).onlineNow;

  for (const [what, attackerToken] of [
    ['its own token issued without a MAC', () => issuedToken(portal, 'gw', { mac: null, ip: attacker.ip })],
    ['a token it had issued in the victim\'s MAC', () => issuedToken(portal, 'gw', { mac: victim.mac, ip: attacker.ip })],
  ] as const) {
    it(`an attacker logging in with ${what}, claiming the victim's MAC, leaves the victim online`, async () => {
      const victimToken = await issuedToken(portal, 'gw', victim);
      assert.equal(await ask(authQuery('login', 'gw', victim, victimToken)), 'Auth: 1');
      const online = await onlineNow();
      // On a router that is not pinned, anyone can speak for it: the claim gets a session of its own, and nothing else.
      assert.equal(await ask(authQuery('login', 'gw', { mac: victim.mac, ip: attacker.ip }, await attackerToken())), 'Auth: 1');
      const session = (await portal.store.findGuestSession('gw', hashToken(victimToken)))!;
      assert.equal(session.endedAt, null, 'the victim\'s session was not ended');
      portal.clock.advance(60_000);
      assert.equal(await ask(authQuery('counters', 'gw', victim, victimToken, { in: 100, out: 100 })), 'Auth: 1', 'the router keeps the victim online');
      assert.equal(await onlineNow(), online + 1);
    });
  }

  it('a session its router stopped reporting is no longer online (dashboard, Captive Portal API), and the MAC\'s next login ends it', async () => {
    const guest = { mac: '02:00:00:00:bb:02', ip: '10.99.0.32' };
    const first = await issuedToken(portal, 'quiet', guest);
    assert.equal(await ask(authQuery('login', 'quiet', guest, first)), 'Auth: 1');
    assert.notEqual(await secondsOnline(portal.ctx, portal.site, guest.ip), null);
    portal.clock.advance(60_000);
    assert.equal(await ask(authQuery('counters', 'quiet', guest, first, { in: 1, out: 1 })), 'Auth: 1');
    portal.clock.advance(3 * 60_000 - 1);
    assert.equal(await onlineNow('quiet'), 1, 'still reported within three check intervals');
    portal.clock.advance(1);
    assert.equal(await onlineNow('quiet'), 0, 'three check intervals without a report');
    assert.equal(await secondsOnline(portal.ctx, portal.site, guest.ip), null, 'the Captive Portal API says captive again');

    const second = await issuedToken(portal, 'quiet', guest);
    assert.equal(await ask(authQuery('login', 'quiet', guest, second)), 'Auth: 1');
    const ended = (await portal.store.findGuestSession('quiet', hashToken(first)))!;
    assert.deepEqual([ended.endReason, ended.endedAt], ['replaced', ended.lastCountersAt], 'ended at its last report');
    assert.equal(await onlineNow('quiet'), 1);
  });
});

describe('remembered devices on a router that is not pinned', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await testPortal();
    await portal.store.addGateway({ id: 'gw', siteId: portal.site.id, type: 'wifidog', name: 'Bar', settings: { checkIntervalSeconds: 60 } }, portal.clock());
    await portal.store.updateSite(portal.site.id, { rememberDays: 30 });
  });
  after(() => portal.close());

  const login = (mac: string) => request(portal.app).get(`/wifidog/login/?gw_address=10.99.0.1&gw_port=2060&gw_id=gw&ip=10.99.0.66&mac=${mac}&url=http%3A%2F%2Fexample.com%2F`);
  /** The page without what differs on every render (the signed state, nonces) or is the prober's own input (the MAC). */
  const shape = (html: string, mac: string) => html.replaceAll(mac, 'MAC').replace(/value="[^"]{40,}"/g, 'value=""').replace(/nonce-[^'"]+|nonce="[^"]+"/g, 'nonce');

  it('a prober learns nothing from login/ about whether a MAC came before, and gets no token for it', async () => {
    const visited = '02:00:00:00:cc:01';
    await issuedToken(portal, 'gw', { mac: visited, ip: '10.99.0.41' }); // an acceptance in that MAC, a day ago
    portal.clock.advance(24 * 60 * 60_000);
    const tokens = () => rawDatabase(portal.store).prepare('SELECT count(*) AS n FROM guest_sessions').get() as { n: number };
    const before = tokens().n;
    const unvisited = '02:00:00:00:cc:02';
    const [seen, unseen] = [await login(visited), await login(unvisited)];
    assert.deepEqual([seen.status, unseen.status], [200, 200]);
    assert.equal(seen.headers.location, undefined);
    assert.equal(shape(seen.text, visited), shape(unseen.text, unvisited));
    assert.equal(tokens().n, before, 'no token is handed out without an acceptance');
  });
});
