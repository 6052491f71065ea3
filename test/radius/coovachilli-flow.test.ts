import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { drivers } from '../../app/gateways';
import { startListeners, type RunningListeners } from '../../app/listeners';
import { radiusServer } from '../../app/radius/server';
import { runCli, testPortal, type TestPortal } from '../helpers';
import { chilliTerminateCause, coovaChilli } from '../sim/coovachilli';
import type { ChilliGuest, ChilliRouter } from '../sim/coovachilli-urls';
import { accessRequest, ask, integer, ipv4, text } from '../sim/radius-client';

const radiusSecret = 'chilli-radius-secret-xyz';
const uamSecret = 'uam-test-secret-1234';
const router: ChilliRouter = { uamServer: 'http://portal.test/chilli/bar-router', uamSecret, uamip: '10.95.0.1', uamport: 3990, nasid: 'bar-router' };

const pathOf = (url: string) => url.slice(url.indexOf('/', 'http://'.length));

describe('CoovaChilli through Portico\'s RADIUS server, as 1.8 and 1.9 send it', () => {
  let portal: TestPortal;
  let listeners: RunningListeners;
  let ports: { auth: number; acct: number };

  before(async () => {
    portal = await testPortal({ RADIUS_PORT: '0', RADIUS_ACCT_PORT: '0', RADIUS_HOST: '127.0.0.1' });
    await portal.store.addGateway({ id: 'bar-router', siteId: portal.site.id, type: 'coovachilli', name: 'Bar', settings: { radiusSecret, uamSecret } }, portal.clock());
    listeners = await startListeners(drivers.values(), portal.ctx);
    ports = radiusServer(portal.ctx).ports()!;
  });
  after(async () => {
    await listeners.stop();
    await portal.close();
  });

  /** A guest of the router captured, shown the terms and accepting: the logon URL Portico sends the browser to. */
  async function acceptAs(chilli: ReturnType<typeof coovaChilli>): Promise<string> {
    const terms = await request(portal.app).get(pathOf(chilli.capture())).expect(200);
    const state = /name="state" value="([^"]+)"/.exec(terms.text)![1];
    return (await request(portal.app).post('/accept').type('form').send({ state, accept: 'Accept' }).expect(303)).headers.location;
  }

  for (const version of ['1.8', '1.9'] as const) {
    it(`${version}: a guest gets online with a one-time login, its data and end reach the dashboard, and the login is not good again`, async () => {
      const guest: ChilliGuest = { called: '02-00-00-00-95-01', mac: version === '1.8' ? '02:00:00:00:95:18' : '02:00:00:00:95:19', ip: version === '1.8' ? '10.95.0.18' : '10.95.0.19' };
      const chilli = coovaChilli({ router, guest, radiusSecret, authPort: ports.auth, acctPort: ports.acct, version, now: portal.clock });
      try {
        assert.equal((await chilli.accountingOn())?.code, 5, 'Accounting-On answered');
        const logonUrl = await acceptAs(chilli);
        const logon = await chilli.logon(logonUrl);
        assert.equal(logon.reply?.code, 2, 'Access-Accept');
        assert.equal(logon.reply?.messageAuthenticator, 'valid');
        assert.ok(logon.reply?.authentic);
        const online = await request(portal.app).get(pathOf(logon.redirect!)).expect(200);
        assert.match(online.text, /You&#39;re online|You're online/);

        portal.clock.advance(60_000);
        assert.equal((await chilli.interim({ fromGuest: 2516, toGuest: 5 * 2 ** 32 + 2392 }))?.code, 5);
        const live = await portal.store.liveGuestSessions('bar-router');
        assert.equal(live.length, 1);
        assert.deepEqual([live[0].clientMac, live[0].bytesIn, live[0].bytesOut], [guest.mac, 5 * 2 ** 32 + 2392, 2516]);

        portal.clock.advance(60_000);
        assert.equal((await chilli.stop(chilliTerminateCause.sessionTimeout, { fromGuest: 3000, toGuest: 5 * 2 ** 32 + 9000 }))?.code, 5);
        assert.deepEqual(await portal.store.liveGuestSessions('bar-router'), []);
        const stats = await runCli(['stats', '--json', '--gateway', 'bar-router'], { dataDir: portal.dataDir, now: portal.clock });
        const figures = JSON.parse(stats.out) as { endedSessions: number; bytes: number; routers: { status: string }[] };
        assert.ok(figures.endedSessions >= 1 && figures.bytes >= 5 * 2 ** 32 + 12_000, stats.out);
        assert.equal(figures.routers[0].status, 'up', 'a router that sends accounting is alive');

        // The same logon again (a replay, or the browser's back button): refused, on 1.8 with a page that says so.
        const again = await chilli.logon(logonUrl);
        assert.equal(again.reply?.code, 3, 'Access-Reject');
        if (version === '1.9') assert.equal(again.redirect, null, '1.9 closes the connection');
        else assert.match((await request(portal.app).get(pathOf(again.redirect!)).expect(200)).text, /could not log you in/);
      } finally {
        await chilli.close();
      }
    });
  }

  it('drops an Access-Request without a Message-Authenticator: CoovaChilli always sends one', async () => {
    const before = portal.ctx.metrics.value('portico_radius_packets_total', { port: 'auth', outcome: 'dropped: no Message-Authenticator from a router that always sends one' });
    const datagram = accessRequest({ secret: radiusSecret, attributes: [text(1, 'g00000000000000000000'), text(32, 'bar-router'), ipv4(8, '10.95.0.2'), integer(6, 1)] });
    assert.equal(await ask(ports.auth, datagram, radiusSecret, { timeoutMs: 200, tries: 1 }), null);
    assert.equal(portal.ctx.metrics.value('portico_radius_packets_total', { port: 'auth', outcome: 'dropped: no Message-Authenticator from a router that always sends one' }), before + 1);
  });

  it('Accounting-Off ends what the router had online', async () => {
    const guest: ChilliGuest = { called: '02-00-00-00-95-01', mac: '02:00:00:00:95:30', ip: '10.95.0.30' };
    const chilli = coovaChilli({ router, guest, radiusSecret, authPort: ports.auth, acctPort: ports.acct, version: '1.9', now: portal.clock });
    try {
      assert.equal((await chilli.logon(await acceptAs(chilli))).reply?.code, 2);
      assert.equal((await portal.store.liveGuestSessions('bar-router')).length, 1);
      assert.equal((await chilli.accountingOff())?.code, 5);
      assert.deepEqual(await portal.store.liveGuestSessions('bar-router'), []);
    } finally {
      await chilli.close();
    }
  });
});
