import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { hashPassword } from '../app/admin/passwords';
import { csrfOf, ownerPassword } from './admin/admin-helpers';
import { countRows, testPortal, type TestPortal } from './helpers';
import { acceptForm, pfsenseEntryPath, pfsenseRouterAddress } from './sim/pfsense-guest';

/*
 * The guest network is hostile ground: every URL a request carries is an attempt to send a guest
 * elsewhere. Guests may only ever be sent to the venue website, a registered router, or Portico itself.
 * (Token replay and theft on WiFiDog are tested in test/gateways/wifidog-flow.test.ts.)
 */

const website = 'https://cafe.example/welcome';
const elsewhere = [
  'https://evil.example/', '//evil.example/index.php?zone=guest', 'http://evil.example/index.php?zone=guest', 'javascript:alert(1)',
  `http://${pfsenseRouterAddress}@evil.example/index.php?zone=guest`, 'http://192.168.1.1:8003/index.php?zone=guest',
  'http://192.168.1.1.evil.example:8002/index.php?zone=guest', `https://${pfsenseRouterAddress}/index.php?zone=guest\r\nLocation: https://evil.example/`,
  'http://8.8.8.8/index.php?zone=guest', 'http://[::ffff:8.8.8.8]/index.php?zone=guest',
];

/** A link, form, resource or hidden field that would take the guest to the attacker's host. */
const leadsToEvil = /(href|action|src|value)="(https?:)?\/\/evil\.example/i;

function stateFrom(html: string): string {
  return /name="state" value="([^"]+)"/.exec(html)![1];
}

function wifidogLogin(params: Record<string, string>): string {
  return `/wifidog/login/?${new URLSearchParams({ gw_address: '10.99.0.1', gw_port: '2060', gw_id: 'dd', ip: '10.99.0.2', mac: '02:00:00:00:99:03', url: 'http://x.example/', ...params })}`;
}

describe('security: redirects, spoofed gateways, page policy and cookies', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await testPortal();
    await portal.store.updateSite(portal.site.id, { websiteUrl: website });
    await portal.store.addGateway({ id: 'cafe', siteId: portal.site.id, type: 'pfsense', name: 'Café', settings: { address: pfsenseRouterAddress } }, portal.clock());
    await portal.store.addGateway({ id: 'dd', siteId: portal.site.id, type: 'wifidog', name: 'DD-WRT', settings: {} }, portal.clock());
  });
  after(() => portal.close());

  const guest = { mac: '02:00:00:00:99:02', ip: '192.168.1.50' };

  it('refuses every pfSense login address that is not the registered router, with a 400 and no redirect', async () => {
    for (const action of elsewhere) {
      const path = pfsenseEntryPath('cafe', guest).replace(/portal_action=[^&]*/, `portal_action=${encodeURIComponent(action)}`);
      const res = await request(portal.app).get(path);
      assert.equal(res.status, 400, action);
      assert.equal(res.headers.location, undefined);
      assert.doesNotMatch(res.text, /evil\.example|8\.8\.8\.8/);
    }
  });

  it('never follows redirurl or url: the terms page and the handoff carry Portico\'s own online page only', async () => {
    const path = pfsenseEntryPath('cafe', guest).replace(/redirurl=[^&]*/, `redirurl=${encodeURIComponent('https://evil.example/')}`);
    const page = await request(portal.app).get(path).expect(200);
    // (The language links repeat the router's query to this same page: text, never a destination.)
    assert.doesNotMatch(page.text, leadsToEvil);
    const form = acceptForm(page.text);
    const online = new URL(form.get('redirurl')!);
    assert.equal(online.origin, portal.config.publicUrl.origin, 'pfSense is told to send the guest back to Portico');
    // The form posted back with a different redirurl or zone (they go on to pfSense) is refused, nothing recorded.
    const altered = (name: string, value: string) => { const copy = new URLSearchParams(form); copy.set(name, value); return copy.toString(); };
    for (const redirurl of ['https://evil.example/', '', `${online.href}?x=1`, website]) {
      await request(portal.app).post('/accept').type('form').send(altered('redirurl', redirurl)).expect(400);
    }
    await request(portal.app).post('/accept').type('form').send(altered('zone', 'other')).expect(400);
    assert.equal(countRows(portal.store, 'acceptances'), 0);
    const accepted = await request(portal.app).post('/accept').type('form').send(form.toString()).expect(307);
    assert.equal(accepted.headers.location, `http://${pfsenseRouterAddress}/index.php?zone=guest`);

    const wifidogPage = await request(portal.app).get(wifidogLogin({ url: 'https://evil.example/' })).expect(200);
    assert.doesNotMatch(wifidogPage.text, leadsToEvil);
  });

  it('hands WiFiDog guests only to a private gateway address, and only for a registered gateway id', async () => {
    for (const address of ['evil.example', '8.8.8.8', '203.0.113.7', '[2001:db8::1]', 'localhost', '10.0.0.1.evil.example']) {
      const res = await request(portal.app).get(wifidogLogin({ gw_address: address }));
      assert.equal(res.status, 400, address);
      assert.equal(res.headers.location, undefined);
    }
    const page = await request(portal.app).get(wifidogLogin({})).expect(200);
    const accepted = await request(portal.app).post('/accept').type('form').send({ state: stateFrom(page.text), accept: 'Accept' }).expect(303);
    assert.match(accepted.headers.location, /^http:\/\/10\.99\.0\.1:2060\/wifidog\/auth\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('refuses spoofed gateway ids on every route, with the protocol\'s refusal where there is one', async () => {
    const sessionsBefore = countRows(portal.store, 'guest_sessions');
    await request(portal.app).get(pfsenseEntryPath('nowhere', guest)).expect(404);
    await request(portal.app).get(pfsenseEntryPath('dd', guest)).expect(404); // a WiFiDog id on the pfSense entry
    await request(portal.app).get(wifidogLogin({ gw_id: 'nowhere' })).expect(404);
    await request(portal.app).get(wifidogLogin({ gw_id: 'cafe' })).expect(404); // a pfSense id on the WiFiDog login
    await request(portal.app).get('/wifidog/portal/?gw_id=nowhere&token=abc').expect(404);
    const auth = await request(portal.app).get('/wifidog/auth/?stage=login&ip=10.99.0.2&mac=02:00:00:00:99:03&token=abcdef&incoming=0&outgoing=0&gw_id=nowhere');
    assert.equal(auth.text, 'Auth: 0');
    assert.equal(countRows(portal.store, 'guest_sessions'), sessionsBefore);
  });

  it('sends a script policy without unsafe-inline, and no inline script, on every page', async () => {
    const pages = [
      '/preview', pfsenseEntryPath('cafe', guest), wifidogLogin({}), '/wifidog/portal/?gw_id=dd', '/wifidog/gw_message.php?message=denied',
      '/nowhere', pfsenseEntryPath('nowhere', guest), '/wifidog/gw_message.php?message=x',
    ];
    for (const path of pages) {
      const res = await request(portal.app).get(path);
      const policy = res.headers['content-security-policy'] ?? '';
      assert.match(policy, /(^|;)script-src 'self'(;|$)/, path);
      assert.match(policy, /default-src 'self'/, path);
      assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval|\*/, path);
      assert.doesNotMatch(res.text, /<script(?![^>]*\ssrc=)[^>]*>/i, `inline script on ${path}`);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
    }
  });

  it('sets no cookie anywhere in the guest flow', async () => {
    const page = await request(portal.app).get(pfsenseEntryPath('cafe', guest));
    const accepted = await request(portal.app).post('/accept').type('form').send(acceptForm(page.text).toString());
    for (const res of [page, accepted, await request(portal.app).get('/preview'), await request(portal.app).get(wifidogLogin({})), await request(portal.app).get('/nowhere')]) {
      assert.equal(res.headers['set-cookie'], undefined);
    }
  });
});

describe('security: admin sign-in', () => {
  let portal: TestPortal;
  before(async () => { portal = await testPortal(); });
  after(() => portal.close());

  it('keeps no session for a refused admin request (a flood of them writes nothing)', async () => {
    for (const path of ['/admin/setup', '/admin/setup?token=made-up']) {
      const res = await request(portal.app).get(path);
      assert.ok(res.status >= 400, `${path}: ${res.status}`);
      assert.equal(res.headers['set-cookie'], undefined, path);
    }
    const signIn = await request(portal.app).post('/admin/login').type('form').send({ username: 'owner', password: 'guess' }).expect(403);
    assert.equal(signIn.headers['set-cookie'], undefined);
    assert.equal(countRows(portal.store, 'admin_sessions'), 0);
  });

  it('refuses a CSRF token taken from another session (an attacker\'s own sign-in page)', async () => {
    await portal.store.addAdminUser('owner', await hashPassword(ownerPassword), portal.clock());
    const attacker = request.agent(portal.app);
    const attackerToken = csrfOf((await attacker.get('/admin/login')).text);
    const victim = request.agent(portal.app);
    await victim.get('/admin/login').expect(200);
    await victim.post('/admin/login').type('form').send({ _csrf: attackerToken, username: 'owner', password: ownerPassword }).expect(403);
  });
});
