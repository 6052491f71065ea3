import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { hashToken } from '../../app/gateways/wifidog';
import { testPortal, type TestPortal } from '../helpers';
import { captureLog } from '../log-capture';
import { pfsenseEntryPath, pfsenseRouterAddress } from '../sim/pfsense-guest';
import { authQuery, issuedToken } from './wifidog-tokens';

const limit = 30;
const router = '10.99.0.1';
const attacker = '10.99.0.66';
const wifidogLogin = (guest: { ip: string; mac: string }, gatewayAddress = router) =>
  `/wifidog/login/?gw_address=${gatewayAddress}&gw_port=2060&gw_id=gw&ip=${guest.ip}&mac=${guest.mac}&url=http%3A%2F%2Fexample.com%2F`;
const attackerGuest = { ip: attacker, mac: '02:00:00:00:66:66' };

/** A venue with a WiFiDog router (pinned or not) and a pfSense one; every request names its source through X-Forwarded-For. */
async function venue(routerAddress?: string): Promise<TestPortal> {
  const portal = await testPortal({ RATE_LIMIT_GATEWAY: String(limit), TRUST_PROXY: 'true' });
  await portal.store.addGateway({
    id: 'gw', siteId: portal.site.id, type: 'wifidog', name: 'Bar', settings: { checkIntervalSeconds: 60, ...(routerAddress ? { routerAddress } : {}) },
  }, portal.clock());
  await portal.store.addGateway({ id: 'pf', siteId: portal.site.id, type: 'pfsense', name: 'Lobby', settings: { address: pfsenseRouterAddress } }, portal.clock());
  return portal;
}

const from = (portal: TestPortal, ip: string, path: string) => request(portal.app).get(path).set('x-forwarded-for', ip);

/** What must keep working for the venue: the router's ping and auth, and new guests' login pages on both routers. */
async function venueStillWorks(portal: TestPortal): Promise<void> {
  const ping = await from(portal, router, '/wifidog/ping/?gw_id=gw&sys_uptime=604&sys_memfree=23587496&sys_load=0.1&wifidog_uptime=600');
  assert.equal(ping.text, 'Pong', 'the real router\'s ping');
  const guest = { ip: '10.99.0.7', mac: '02:00:00:00:00:07' };
  const token = await issuedToken(portal, 'gw', guest);
  assert.equal((await from(portal, router, authQuery('login', 'gw', guest, token))).text, 'Auth: 1', 'the real router\'s stage=login');
  assert.equal((await from(portal, router, authQuery('counters', 'gw', guest, token, { in: 10, out: 10 }))).text, 'Auth: 1', 'its stage=counters');
  assert.equal((await from(portal, '10.99.0.8', wifidogLogin({ ip: '10.99.0.8', mac: '02:00:00:00:00:08' }))).status, 200, 'a new WiFiDog guest\'s terms page');
  assert.equal((await from(portal, '192.168.1.9', pfsenseEntryPath('pf', { ip: '192.168.1.9', mac: '02:00:00:00:00:09' }))).status, 200, 'a new pfSense guest\'s terms page');
}

describe('one address cannot spend a router\'s budget, whatever it sends naming the router', () => {
  for (const [what, path] of [
    ['cheap WiFiDog pings', () => '/wifidog/ping/?gw_id=gw&sys_uptime=1'],
    ['malformed WiFiDog pings', () => '/wifidog/ping/?gw_id=gw&gw_id=gw'],
    ['malformed WiFiDog auth/ requests', () => '/wifidog/auth/?stage=counters&gw_id=gw&token=AAAAAAAAAAAAAAAA'],
    ['WiFiDog counters with made-up tokens', (n: number) => authQuery('counters', 'gw', attackerGuest, `made-up-token-${n}`)],
    ['malformed WiFiDog login pages', () => wifidogLogin(attackerGuest, '203.0.113.1')],
    ['WiFiDog login pages', () => wifidogLogin(attackerGuest)],
    ['WiFiDog portal pages', () => '/wifidog/portal/?gw_id=gw'],
    ['malformed pfSense entries', () => '/pfsense/pf?zone=guest'],
    ['pfSense entries', () => pfsenseEntryPath('pf', attackerGuest)],
  ] as const) {
    it(`${what}: the router and new guests still get through`, async () => {
      const portal = await venue();
      try {
        const statuses = new Set<number>();
        await captureLog(async () => {
          for (let n = 0; n < limit * 2; n++) statuses.add((await from(portal, attacker, path(n))).status);
        });
        assert.ok(![...statuses].some((status) => status >= 500), `no 5xx: ${[...statuses]}`);
        await venueStillWorks(portal);
      } finally {
        await portal.close();
      }
    });
  }

  it('still limits the flooding address itself, once its requests are valid', async () => {
    const portal = await venue();
    try {
      const statuses = await captureLog(async () => {
        const all: number[] = [];
        for (let n = 0; n < limit + 5; n++) all.push((await from(portal, attacker, '/wifidog/ping/?gw_id=gw')).status);
        return all;
      });
      assert.deepEqual([statuses.result.filter((s) => s === 200).length, statuses.result.filter((s) => s === 429).length], [limit, 5]);
      assert.match(statuses.lines, /rate limit reached limit=gateway per_minute=30 key="?gw 10\.99\.0\.66/);
    } finally {
      await portal.close();
    }
  });
});

describe('a WiFiDog router pinned to its address', () => {
  it('refuses auth/ and ping/ from anywhere else, with no Pong and Auth: 0, and a bounded log', async () => {
    const portal = await venue(router);
    try {
      const guest = { ip: '10.99.0.7', mac: '02:00:00:00:00:07' };
      const token = await issuedToken(portal, 'gw', guest);
      const { lines } = await captureLog(async () => {
        for (let n = 0; n < limit * 2; n++) {
          const ping = await from(portal, attacker, '/wifidog/ping/?gw_id=gw&sys_uptime=1');
          assert.equal(ping.status, 403);
          assert.doesNotMatch(ping.text, /Pong/);
          const auth = await from(portal, attacker, authQuery('login', 'gw', guest, token));
          assert.equal(auth.status, 403);
          assert.equal(auth.text, 'Auth: 0');
        }
      });
      assert.equal(lines.split('\n').filter((line) => line.includes('not from the router\'s pinned address')).length, 2, 'one line for ping/, one for auth/, not one a request');
      assert.equal((await portal.store.getGateway('gw'))!.lastContactAt, undefined, 'nothing recorded as the router\'s health');
      assert.equal((await portal.store.findGuestSession('gw', hashToken(token)))!.startedAt, null, 'the token is still unused');
      assert.equal((await from(portal, router, authQuery('login', 'gw', guest, token))).text, 'Auth: 1', 'the router itself can still use it');
      await venueStillWorks(portal);
    } finally {
      await portal.close();
    }
  });

  it('recognises its address in another spelling (IPv4-mapped IPv6)', async () => {
    const portal = await venue(router);
    try {
      assert.equal((await from(portal, `::ffff:${router}`, '/wifidog/ping/?gw_id=gw')).text, 'Pong');
    } finally {
      await portal.close();
    }
  });
});

describe('a token issued without a MAC, on a pinned router', () => {
  it('takes the MAC the router reports at stage=login, and only the router can report it', async () => {
    const portal = await venue(router);
    try {
      const guest = { ip: '10.99.0.7', mac: '02:00:00:00:00:07' };
      const token = await issuedToken(portal, 'gw', { mac: null, ip: guest.ip });
      assert.equal((await from(portal, guest.ip, authQuery('login', 'gw', { ...guest, mac: '02:00:00:00:00:66' }, token))).text, 'Auth: 0');
      assert.equal((await from(portal, router, authQuery('login', 'gw', guest, token))).text, 'Auth: 1');
      assert.equal((await portal.store.findGuestSession('gw', hashToken(token)))!.clientMac, guest.mac);
    } finally {
      await portal.close();
    }
  });
});
