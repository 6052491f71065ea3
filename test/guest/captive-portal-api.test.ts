import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { testPortal, type TestPortal } from '../helpers';
import { describeAcceptance } from '../../app/acceptance-record';
import { localCalendar } from '../../app/venue-time';

const captiveJson = 'application/captive+json';

async function ask(portal: TestPortal, forwardedFor?: string) {
  const req = request(portal.app).get('/api/captive-portal').set('Accept', captiveJson);
  if (forwardedFor) req.set('X-Forwarded-For', forwardedFor);
  const res = await req;
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], captiveJson);
  assert.equal(res.headers['cache-control'], 'private');
  return JSON.parse(res.text);
}

async function accept(portal: TestPortal, ip: string) {
  const terms = (await portal.store.currentTerms(portal.site.id))!;
  return portal.store.recordAcceptance(describeAcceptance(portal.site, {
    acceptedAt: portal.clock(), gatewayId: null, termsVersionId: terms.id, deviceId: null, clientMac: null,
    clientIp: ip, userAgent: null, language: 'en', handoff: 'test',
  }));
}

describe('RFC 8908 captive portal API', () => {
  const portals: TestPortal[] = [];
  after(() => Promise.all(portals.map((portal) => portal.close())));

  it('says captive until an acceptance without session reports (pfSense), then counts the session down', async () => {
    const portal = await testPortal({ TRUST_PROXY: 'loopback' });
    portals.push(portal);
    assert.deepEqual(await ask(portal, '10.0.0.7'), {
      captive: true, 'user-portal-url': 'http://portal.test/portal', 'venue-info-url': 'https://cafe.example/',
    });
    await accept(portal, '10.0.0.7');
    portal.clock.advance(60_000);
    assert.deepEqual(await ask(portal, '10.0.0.7'), {
      captive: false, 'user-portal-url': 'http://portal.test/portal', 'venue-info-url': 'https://cafe.example/',
      'seconds-remaining': 240 * 60 - 60, 'can-extend-session': false,
    });
    assert.equal((await ask(portal, '10.0.0.8')).captive, true, 'another address is still captive');
    portal.clock.advance(240 * 60_000);
    assert.equal((await ask(portal, '10.0.0.7')).captive, true, 'the session length has passed');
  });

  it('follows guest sessions where the router reports them (WiFiDog): started and not ended', async () => {
    const portal = await testPortal({ TRUST_PROXY: 'loopback' });
    portals.push(portal);
    const acceptance = await accept(portal, '10.0.0.9');
    await portal.store.addGateway({ id: 'gw', siteId: portal.site.id, type: 'wifidog', name: 'Bar', settings: {} }, portal.clock());
    const offered = await portal.store.openGuestSession({
      gatewayId: 'gw', sessionKey: 'hash1', acceptanceId: acceptance.id, siteId: portal.site.id, deviceId: null, clientMac: null, clientIp: '10.0.0.9',
      startBy: portal.clock() + 60_000,
    });
    assert.equal((await ask(portal, '10.0.0.9')).captive, true, 'token not yet used: the router has not let the guest on');
    portal.clock.advance(10_000);
    // As the router's stage=login does: started, and live until its next report is overdue.
    await portal.store.startGuestSession({
      gatewayId: 'gw', sessionKey: 'hash1', clientMac: '02:00:00:00:00:09', clientIp: '10.0.0.9', at: portal.clock(),
      localDay: localCalendar(portal.clock(), portal.site.timezone).day, reportDueAt: portal.clock() + 180_000,
    });
    const online = await ask(portal, '10.0.0.9');
    assert.equal(online.captive, false);
    assert.equal(online['seconds-remaining'], 240 * 60);
    await portal.store.endGuestSession(offered.id, 'logout', portal.clock());
    assert.equal((await ask(portal, '10.0.0.9')).captive, true);
  });

  it('uses the socket address unless TRUST_PROXY is set', async () => {
    const portal = await testPortal();
    portals.push(portal);
    await accept(portal, '10.0.0.7');
    assert.equal((await ask(portal, '10.0.0.7')).captive, true, 'a forged X-Forwarded-For is ignored');
    await accept(portal, '127.0.0.1');
    assert.equal((await ask(portal)).captive, false);
  });

  it('shows a captive guest how to log in, and an online one the online page', async () => {
    const portal = await testPortal();
    portals.push(portal);
    const captive = await request(portal.app).get('/portal').set('Accept-Language', 'es');
    assert.equal(captive.status, 200);
    assert.match(captive.text, /abra cualquier sitio web/);
    await accept(portal, '127.0.0.1');
    const online = await request(portal.app).get('/portal');
    assert.match(online.text, /You&#39;re online/);
    assert.match(online.text, /href="https:\/\/cafe.example\/"/);
  });
});
