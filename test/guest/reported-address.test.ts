import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import request from 'supertest';
import { checkReportedIp, plainAddress } from '../../app/network-address';
import { HttpError } from '../../app/errors';
import { countRows, testPortal, type TestPortal } from '../helpers';

/*
 * The router reports the guest's MAC and IP in the query a guest's browser carries. Where Portico sees the
 * guest's own address (its request comes from the guest LAN), a page made for another device's IP is
 * refused, at the terms page and at accept; where it cannot (loopback, a public address), nothing is compared.
 */

describe('one spelling of an address', () => {
  for (const [given, plain] of [
    ['10.0.0.5', '10.0.0.5'],
    ['::ffff:10.0.0.5', '10.0.0.5'],
    ['::FFFF:a00:5', '10.0.0.5'],
    ['FE80:0:0::1%eth0', 'fe80::1'],
    ['2001:DB8::0:1', '2001:db8::1'],
    ['fd00:0::7', 'fd00::7'],
  ]) {
    it(`${given} → ${plain}`, () => assert.equal(plainAddress(given), plain));
  }
});

describe('the reported IP against the request\'s source', () => {
  const refused: [string, string][] = [
    ['192.168.1.51', '192.168.1.50'],
    ['10.0.0.6', '10.0.0.5'],
    ['172.16.4.4', '172.16.4.5'],
    ['::ffff:192.168.1.51', '192.168.1.50'],
    ['169.254.1.1', '169.254.1.2'],
    ['fd00::2', 'fd00::1'],
    ['fe80::2%wlan0', 'fe80::1'],
    ['192.168.1.50', 'fd00::1'],
  ];
  for (const [source, reported] of refused) {
    it(`refuses ${reported} reported for a request from ${source}`, () => {
      assert.throws(() => checkReportedIp(source, reported), (error: unknown) => error instanceof HttpError && error.status === 400);
    });
  }
  const compared: [string, string, string][] = [
    ['the same address', '192.168.1.50', '192.168.1.50'],
    ['the same address, IPv4-mapped', '::ffff:192.168.1.50', '192.168.1.50'],
    ['the same address, reported IPv4-mapped', '10.0.0.5', '::ffff:10.0.0.5'],
    ['the same IPv6 address, spelt otherwise', 'FD00:0::1', 'fd00::1'],
    ['loopback (a proxy, or this machine)', '127.0.0.1', '192.168.1.50'],
    ['IPv6 loopback', '::1', '192.168.1.50'],
    ['a public address (Portico in the cloud)', '203.0.113.9', '192.168.1.50'],
    ['a public IPv6 address', '2001:db8::9', 'fd00::1'],
    ['carrier-grade NAT', '100.64.0.9', '192.168.1.50'],
  ];
  for (const [what, source, reported] of compared) {
    it(`lets through ${what}`, () => assert.doesNotThrow(() => checkReportedIp(source, reported)));
  }
});

describe('the reported IP against the request\'s source, for any addresses', () => {
  const refuses = (source: string, reported: string) => {
    try {
      checkReportedIp(source, reported);
      return false;
    } catch (error) {
      if (error instanceof HttpError && error.status === 400) return true;
      throw error;
    }
  };
  const octet = fc.integer({ min: 0, max: 255 });
  const lan = fc.tuple(octet, octet, octet).map(([a, b, c]) => `10.${a}.${b}.${c}`);
  const publicV4 = fc.ipV4().filter((ip) => !/^(?:10|127|169\.254|192\.168|172\.(?:1[6-9]|2\d|3[01])|100\.(?:6[4-9]|[7-9]\d|1[01]\d|12[0-7]))\./.test(ip));
  const hextet = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
  const ula = fc.array(hextet, { minLength: 7, maxLength: 7 }).map((parts) => `fd00:${parts.join(':')}`);

  it('refuses a guest-LAN source exactly when it is another address, however either is spelt', () => {
    fc.assert(fc.property(lan, lan, fc.boolean(), (source, reported, mapped) => {
      assert.equal(refuses(mapped ? `::ffff:${source}` : source, reported), source !== reported);
    }));
    fc.assert(fc.property(ula, ula, (source, reported) => {
      assert.equal(refuses(source.toUpperCase(), reported), plainAddress(source) !== plainAddress(reported));
    }));
  });

  it('never refuses a public or loopback source', () => {
    fc.assert(fc.property(fc.oneof(publicV4, fc.constant('127.0.0.1'), fc.constant('::1')), fc.oneof(lan, ula), (source, reported) => {
      assert.equal(refuses(source, reported), false);
    }));
  });
});

describe('a guest cannot accept in another device\'s name from the guest LAN', () => {
  let portal: TestPortal;
  before(async () => {
    // Requests come from loopback; through the trusted proxy their X-Forwarded-For is the guest's address.
    portal = await testPortal({ TRUST_PROXY: 'loopback' });
    await portal.store.updateSite(portal.site.id, { rememberDays: 30 });
    await portal.store.addGateway({ id: 'lobby', siteId: portal.site.id, type: 'pfsense', name: 'Lobby', settings: {} }, portal.clock());
    await portal.store.addGateway({ id: 'bar', siteId: portal.site.id, type: 'wifidog', name: 'Bar', settings: { checkIntervalSeconds: 60, routerAddress: '10.99.0.1' } }, portal.clock());
  });
  after(() => portal.close());

  const stateOf = (html: string) => /name="state" value="([^"]+)"/.exec(html)![1];
  const pfEntry = (from: string, clientIp = '192.168.1.50') => request(portal.app).get('/pfsense/lobby').set('X-Forwarded-For', from)
    .query({ zone: 'guest', portal_action: 'http://192.168.1.1:8002/index.php?zone=guest', client_mac: '02:00:00:00:00:01', client_ip: clientIp, redirurl: 'http://x/' });
  const wdLogin = (from: string, ip = '10.99.0.2', mac = '02:00:00:00:00:02') => request(portal.app).get('/wifidog/login/').set('X-Forwarded-For', from)
    .query({ gw_address: '10.99.0.1', gw_port: '2060', gw_id: 'bar', ip, mac, url: 'http://x/' });
  const accept = (from: string, form: Record<string, string>) => request(portal.app).post('/accept').set('X-Forwarded-For', from).type('form').send(form);
  const written = () => ({ acceptances: countRows(portal.store, 'acceptances'), tokens: countRows(portal.store, 'guest_sessions') });

  function assertReconnectPage(res: request.Response): void {
    assert.equal(res.status, 400);
    assert.match(res.headers['content-type'], /text\/html/);
    assert.match(res.text, /reconnect to the Wi-Fi/);
  }

  it('pfSense: refuses the terms page for another IP, and serves it for the asking one', async () => {
    assertReconnectPage(await pfEntry('192.168.1.51'));
    await pfEntry('192.168.1.50').expect(200);
    await pfEntry('::ffff:192.168.1.50').expect(200);
  });

  it('WiFiDog: refuses the terms page for another IP, and a returning device\'s token too', async () => {
    assertReconnectPage(await wdLogin('10.99.0.3'));
    await wdLogin('10.99.0.2').expect(200);
  });

  for (const type of ['pfsense', 'wifidog'] as const) {
    it(`${type}: a page carried to another device of the LAN is refused at accept, and nothing is recorded`, async () => {
      const guest = type === 'pfsense' ? '192.168.1.50' : '10.99.0.2';
      const other = type === 'pfsense' ? '192.168.1.77' : '10.99.0.77';
      const page = type === 'pfsense' ? await pfEntry(guest).expect(200) : await wdLogin(guest).expect(200);
      const form: Record<string, string> = type === 'pfsense'
        ? { state: stateOf(page.text), accept: 'Accept', zone: 'guest', redirurl: `http://portal.test/online/${portal.site.id}` }
        : { state: stateOf(page.text), accept: 'Accept' };
      const before = written();
      assertReconnectPage(await accept(other, form));
      assert.deepEqual(written(), before);
      await accept(guest, form).expect(type === 'pfsense' ? 307 : 303);
      assert.equal(written().acceptances, before.acceptances + 1);
    });
  }

  it('WiFiDog: a remembered device is let through only for its own address', async () => {
    assertReconnectPage(await wdLogin('10.99.0.3'));
    await wdLogin('10.99.0.2').expect(302);
  });

  it('compares nothing where the guest\'s address cannot be seen (a public source: Portico in the cloud)', async () => {
    const page = await pfEntry('203.0.113.9').expect(200);
    await accept('198.51.100.4', { state: stateOf(page.text), accept: 'Accept', zone: 'guest', redirurl: `http://portal.test/online/${portal.site.id}` }).expect(307);
  });

  it('compares nothing with GUEST_ADDRESS_CHECK=off (a router that NATs its guests into Portico\'s network)', async () => {
    const natted = await testPortal({ TRUST_PROXY: 'loopback', GUEST_ADDRESS_CHECK: 'off' });
    try {
      await natted.store.addGateway({ id: 'lobby', siteId: natted.site.id, type: 'pfsense', name: 'Lobby', settings: {} }, natted.clock());
      const page = await request(natted.app).get('/pfsense/lobby').set('X-Forwarded-For', '192.168.0.2')
        .query({ zone: 'guest', portal_action: 'http://10.10.0.1:8002/index.php?zone=guest', client_mac: '02:00:00:00:00:01', client_ip: '10.10.0.50' }).expect(200);
      await request(natted.app).post('/accept').set('X-Forwarded-For', '192.168.0.2').type('form')
        .send({ state: stateOf(page.text), accept: 'Accept', zone: 'guest', redirurl: `http://portal.test/online/${natted.site.id}` }).expect(307);
    } finally {
      await natted.close();
    }
  });

  it('the captive portal API answers about the asking address only', async () => {
    const ask = (path: string, from: string) => request(portal.app).get(path).set('X-Forwarded-For', from).then((res) => JSON.parse(res.text).captive);
    assert.equal(await ask('/api/captive-portal', '192.168.1.50'), false);
    assert.equal(await ask('/api/captive-portal?ip=192.168.1.50&client_ip=192.168.1.50', '192.168.1.99'), true);
  });
});
