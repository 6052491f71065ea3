import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import request from 'supertest';
import { checkPortalAction, pfsense } from '../../app/gateways/pfsense';
import { settingsFromOptions } from '../../app/gateways';
import { UserError } from '../../app/errors';
import type { Gateway } from '../../app/store/types';
import { countRows, testPortal, type TestPortal } from '../helpers';
import { rawDatabase } from '../store/raw';

const action = 'http://192.168.1.1:8002/index.php?zone=guest';

function entry(params: Record<string, string | string[]>, gatewayId = 'cafe') {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) query.append(key, v);
  return `/pfsense/${gatewayId}?${query}`;
}

const guest = { portal_action: action, zone: 'guest', redirurl: 'http://neverssl.com/?a=1&b=2', client_mac: '02:00:00:00:99:02', client_ip: '192.168.1.50' };

function stateFrom(html: string): string {
  return /name="state" value="([^"]+)"/.exec(html)![1];
}

describe('pfSense driver', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await testPortal();
    await portal.store.addGateway({ id: 'cafe', siteId: portal.site.id, type: 'pfsense', name: 'Café', settings: {} }, portal.clock());
    await portal.store.addGateway({ id: 'pinned', siteId: portal.site.id, type: 'pfsense', name: 'Pinned', settings: { address: '192.168.1.1:8002' } }, portal.clock());
  });
  after(() => portal.close());
  beforeEach(() => rawDatabase(portal.store).exec('DELETE FROM acceptances'));

  describe('portal action check', () => {
    const gateway = (settings: Record<string, unknown>): Gateway => ({ id: 'g', siteId: 1, type: 'pfsense', name: 'g', settings, createdAt: 0 });
    const open = gateway({});
    const pinned = gateway({ address: '192.168.1.1:8002' });
    it('accepts pfSense index.php on a private or loopback address, rebuilt from its parts', () => {
      assert.equal(checkPortalAction(action, 'guest', open)?.href, action);
      assert.equal(checkPortalAction('https://10.0.0.1:8003/index.php?zone=guest', 'guest', open)?.href, 'https://10.0.0.1:8003/index.php?zone=guest');
      assert.equal(checkPortalAction('http://[fd00::1]:8002/index.php?zone=guest', 'guest', open)?.href, 'http://[fd00::1]:8002/index.php?zone=guest');
      assert.equal(checkPortalAction('http://127.0.0.1:8002/index.php', 'guest', open)?.href, 'http://127.0.0.1:8002/index.php?zone=guest');
    });
    for (const [why, url] of [
      ['public address', 'http://203.0.113.5:8002/index.php?zone=guest'],
      ['host name', 'http://evil.example:8002/index.php?zone=guest'],
      ['other path', 'http://192.168.1.1:8002/logout.php?zone=guest'],
      ['other scheme', 'javascript:alert(1)//192.168.1.1/index.php'],
      ['credentials', 'http://user:pw@192.168.1.1:8002/index.php?zone=guest'],
      ['other zone', 'http://192.168.1.1:8002/index.php?zone=staff'],
      ['not a URL', '$PORTAL_ACTION$'],
    ]) {
      it(`refuses a ${why}`, () => assert.equal(checkPortalAction(url, 'guest', open), null));
    }
    it('holds a gateway with --address to exactly that host and port', () => {
      assert.ok(checkPortalAction(action, 'guest', pinned));
      assert.equal(checkPortalAction('http://192.168.1.1:8004/index.php?zone=guest', 'guest', pinned), null);
      assert.equal(checkPortalAction('http://192.168.1.2:8002/index.php?zone=guest', 'guest', pinned), null);
    });
    it('checks --address when the gateway is added: the portal on the guest network, pasted or typed', () => {
      assert.deepEqual(settingsFromOptions(pfsense, { address: 'Portal.Example:8002' }), { address: 'portal.example:8002', mode: 'none' });
      assert.deepEqual(settingsFromOptions(pfsense, { address: 'http://192.168.10.1:8002/' }), { address: '192.168.10.1:8002', mode: 'none' });
      assert.deepEqual(settingsFromOptions(pfsense, { address: 'https://10.0.0.1' }), { address: '10.0.0.1', mode: 'none' });
      assert.deepEqual(settingsFromOptions(pfsense, {}), { mode: 'none' });
      for (const refused of ['http://x/index.php', 'http://x/?zone=a', 'ftp://10.0.0.1/', '8.8.8.8:8002', '[2001:db8::1]:8002', 'a b']) {
        assert.throws(() => settingsFromOptions(pfsense, { address: refused }), UserError, refused);
      }
      assert.throws(() => settingsFromOptions(pfsense, { address: 'x:99999' }), UserError);
    });
  });

  describe('entry page', () => {
    it('shows the venue and its current terms, with pfSense fields for the login', async () => {
      const res = await request(portal.app).get(entry(guest)).expect(200);
      assert.match(res.text, /<h1>Café Test<\/h1>/);
      assert.match(res.text, /Terms of use/);
      assert.match(res.text, /name="zone" value="guest"/);
      // pfSense sends the guest there after the login: Portico's "You're online" page, linking the website.
      assert.match(res.text, new RegExp(`name="redirurl" value="http://portal.test/online/${portal.site.id}"`));
      assert.match(res.text, /<button type="submit" name="accept" value="Accept">/);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.headers['set-cookie'], undefined, 'no cookie on the guest path');
    });

    it('tells a guest sent with pfSense\'s placeholders unfilled that the Wi-Fi is misconfigured, in plain words', async () => {
      const page = await request(portal.app).get(entry({ ...guest, portal_action: '$PORTAL_ACTION$', zone: '$PORTAL_ZONE$', redirurl: '$PORTAL_REDIRURL$' })).expect(400);
      assert.match(page.text, /The Wi-Fi login page is not set up right on the router\. Please tell the staff\./);
      assert.doesNotMatch(page.text, /is not valid/);
    });

    it('takes a guest whose MAC pfSense could not find (routed network)', async () => {
      await request(portal.app).get(entry({ ...guest, client_mac: '' })).expect(200);
    });

    const cases: [string, string, number][] = [
      ['an unknown gateway', entry(guest, 'nope'), 404],
      ['a portal action elsewhere', entry({ ...guest, portal_action: 'http://evil.example/index.php?zone=guest' }), 400],
      ['a portal action on another port than registered', entry({ ...guest, portal_action: 'http://192.168.1.1:9000/index.php?zone=guest' }, 'pinned'), 400],
      ['unsubstituted placeholders', entry({ ...guest, portal_action: '$PORTAL_ACTION$', zone: '$PORTAL_ZONE$' }), 400],
      ['a missing portal action', entry({ ...guest, portal_action: '' }), 400],
      ['a missing zone', entry({ portal_action: action, client_ip: '192.168.1.50' }), 400],
      ['a missing client IP', entry({ ...guest, client_ip: '' }), 400],
      ['a malformed MAC', entry({ ...guest, client_mac: 'zz:zz' }), 400],
      ['a malformed IP', entry({ ...guest, client_ip: '999.1.1.1' }), 400],
      ['an oversized field', entry({ ...guest, redirurl: 'x'.repeat(5000) }), 400],
      ['a repeated field', entry({ ...guest, zone: ['guest', 'staff'] }), 400],
    ];
    for (const [what, url, status] of cases) {
      it(`answers ${what} with a friendly ${status} page`, async () => {
        const res = await request(portal.app).get(url).expect(status);
        assert.match(res.headers['content-type'], /text\/html/);
        assert.doesNotMatch(res.text, /at .*\.js:\d+/, 'no stack trace');
        assert.equal(res.headers.location, undefined);
      });
    }
  });

  describe('accept', () => {
    async function page(gateway = 'cafe') {
      const res = await request(portal.app).get(entry(guest, gateway)).expect(200);
      return { state: stateFrom(res.text), accept: 'Accept', zone: 'guest', redirurl: `http://portal.test/online/${portal.site.id}` };
    }

    it('records the acceptance, then sends the browser to POST the same form to pfSense (307)', async () => {
      const res = await request(portal.app).post('/accept').type('form').send(await page()).expect(307);
      assert.equal(res.headers.location, action);
      const row = rawDatabase(portal.store).prepare('SELECT * FROM acceptances').get() as Record<string, unknown>;
      assert.equal(row.gateway_id, 'cafe');
      assert.equal(row.client_mac, '02:00:00:00:99:02');
      assert.equal(row.client_ip, '192.168.1.50');
      assert.equal(row.language, 'en');
      assert.equal(row.handoff, 'pfsense http://192.168.1.1:8002');
      assert.match(String(row.device_id), /^[0-9a-f]{32}$/);
      assert.equal(row.local_day, '2026-11-27');
    });

    const refusals: [string, (form: Record<string, string>) => Record<string, string>][] = [
      ['an altered state', (form) => ({ ...form, state: form.state.replace(/^./, (c) => (c === 'e' ? 'f' : 'e')) })],
      ['a state from another installation', (form) => ({ ...form, state: `${form.state.split('.')[0]}.${'A'.repeat(43)}` })],
      ['a missing state', ({ state: _state, ...form }) => form],
      ['a redirect URL pointing elsewhere', (form) => ({ ...form, redirurl: 'https://evil.example/' })],
      ['another zone', (form) => ({ ...form, zone: 'staff' })],
    ];
    for (const [what, change] of refusals) {
      it(`refuses ${what} with a 400 page and writes nothing`, async () => {
        const res = await request(portal.app).post('/accept').type('form').send(change(await page())).expect(400);
        assert.equal(res.headers.location, undefined);
        assert.equal(countRows(portal.store, 'acceptances'), 0);
      });
    }

    it('refuses a page older than its lifetime', async () => {
      const form = await page();
      portal.clock.advance(61 * 60 * 1000);
      await request(portal.app).post('/accept').type('form').send(form).expect(400);
      assert.equal(countRows(portal.store, 'acceptances'), 0);
    });

    it('refuses a page whose gateway was removed meanwhile', async () => {
      await portal.store.addGateway({ id: 'temp', siteId: portal.site.id, type: 'pfsense', name: 'Temp', settings: {} }, portal.clock());
      const form = await page('temp');
      await portal.store.removeGateway('temp');
      await request(portal.app).post('/accept').type('form').send(form).expect(400);
      assert.equal(countRows(portal.store, 'acceptances'), 0);
    });

    it('refuses an oversized body with 413', async () => {
      await request(portal.app).post('/accept').type('form').send({ state: 'x'.repeat(20_000) }).expect(413);
    });
  });
});
