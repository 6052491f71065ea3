import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { hashToken } from '../../app/gateways/wifidog';
import { runCli, testPortal, type TestPortal } from '../helpers';
import { signedInAgent } from '../admin/admin-helpers';
import { authQuery, issuedToken } from './wifidog-tokens';

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
      const session = (await portal.store.findGuestSession(hashToken(token)))!;
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
      const session = (await portal.store.findGuestSession(hashToken(token)))!;
      assert.deepEqual([session.bytesIn, session.bytesOut], [first.in, first.out]);
    });
  }

  it('stores what a fast but real link carries in one check interval', async () => {
    const token = await onlineGuest();
    portal.clock.advance(60_000);
    const bytes = { in: 1.25e9 * 60, out: 1.25e9 * 60 };
    assert.equal((await request(portal.app).get(authQuery('counters', 'gw', guest, token, bytes))).text, 'Auth: 1');
    const session = (await portal.store.findGuestSession(hashToken(token)))!;
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
    assert.equal((await portal.store.getGateway('gw'))!.daemonUptime, uptime);
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
      const session = (await portal.store.startGuestSession(portal.site, { tokenHash: hashToken(token), gatewayId: 'gw', clientMac: guest.mac, clientIp: guest.ip }, portal.clock()))!;
      await portal.store.recordSessionCounters(session.id, { in: Number.MAX_SAFE_INTEGER, out: Number.MAX_SAFE_INTEGER }, portal.clock());
    }
  });
  after(() => portal.close());

  it('the dashboard answers 200 for the day', async () => {
    const { agent } = await signedInAgent(portal);
    const res = await agent.get('/admin/dashboard?from=2026-11-27&to=2026-11-27');
    assert.equal(res.status, 200, res.text.slice(0, 500));
    assert.match(res.text, /Data used/);
  });

  it('npx portico stats exits 0 for the day', async () => {
    const result = await runCli(['stats', '--from', '2026-11-27', '--to', '2026-11-27'], { dataDir: portal.dataDir, publicUrl: 'http://portal.test/' });
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /data used/);
  });
});
