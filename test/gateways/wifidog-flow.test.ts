import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { loginTokenLifetimeMs } from '../../app/gateways/wifidog';
import { countRows, listeningPortal } from '../helpers';
import { captureLog } from '../log-capture';
import { TestBrowser } from '../sim/browser';
import { startWifiDog, wifidogVersion, type WifiDogOptions } from '../sim/wifidog';
import { rawDatabase } from '../store/raw';
import { termsTexts } from '../../app/content-digests';

type Portal = Awaited<ReturnType<typeof listeningPortal>>;
type Gateway = Awaited<ReturnType<typeof startWifiDog>>;

function sessionRow(portal: Portal, token: string): Record<string, unknown> | undefined {
  const hash = createHash('sha256').update(token).digest('hex');
  return rawDatabase(portal.store).prepare('SELECT * FROM guest_sessions WHERE session_key = ?').get(hash) as Record<string, unknown> | undefined;
}

describe('DD-WRT WiFiDog, end to end through a simulated wifidog-gateway 1.3.0', () => {
  let portal: Portal;
  const gateways: Gateway[] = [];

  before(async () => {
    portal = await listeningPortal();
    await portal.store.addGateway({ id: 'testgw1', siteId: portal.site.id, type: 'wifidog', name: 'Bar', settings: { checkIntervalSeconds: 60 } }, portal.clock());
    await portal.store.addGateway({ id: 'testgw2', siteId: portal.site.id, type: 'wifidog', name: 'Terrace', settings: { checkIntervalSeconds: 60 } }, portal.clock());
    // Pinned to the loopback address the simulated router speaks from.
    await portal.store.addGateway({ id: 'pinned', siteId: portal.site.id, type: 'wifidog', name: 'Hall', settings: { checkIntervalSeconds: 60, routerAddress: '127.0.0.1' } }, portal.clock());
  });
  after(async () => {
    for (const gateway of gateways) await gateway.close();
    await portal.close();
  });

  async function gateway(options: Partial<WifiDogOptions> & Pick<WifiDogOptions, 'clientIp' | 'clientMac'>): Promise<Gateway> {
    const started = await startWifiDog({ gatewayId: 'testgw1', authServer: portal.url, ...options });
    gateways.push(started);
    return started;
  }

  const hosts = (router: Gateway) => new Set([new URL(portal.url).host, new URL(router.url).host]);

  /** Capture, terms page, accept; stops where the browser would take the token to the gateway. */
  async function acceptTerms(router: Gateway, browser = new TestBrowser()): Promise<{ token: string; authUrl: string }> {
    const terms = await browser.request('GET', `${router.url}some/page?x=1&y=two`, undefined, new Set([new URL(portal.url).host, new URL(router.url).host]));
    assert.equal(terms.status, 200, terms.html);
    const accepted = await browser.submit(terms, 'form.accept', terms.document.querySelector('form.accept button'), new Set([new URL(portal.url).host]));
    assert.equal(accepted.status, 0, 'the browser was sent off to the gateway');
    const authUrl = new URL(accepted.url);
    return { token: authUrl.searchParams.get('token')!, authUrl: authUrl.href };
  }

  it('takes a guest from capture to the venue website, and stores counters', async () => {
    const router = await gateway({ clientIp: '10.99.0.2', clientMac: '02:00:00:00:99:02' });
    const acceptances = countRows(portal.store, 'acceptances');
    const browser = new TestBrowser();

    const terms = await browser.request('GET', `${router.url}some/page?x=1&y=two`, undefined, hosts(router));
    // The gateway's 302 carries its parameters in its own order, url encoded the libhttpd way.
    const login = new URL(browser.hops[1].url);
    assert.equal(login.pathname, '/wifidog/login/');
    assert.equal(login.search, `?gw_address=127.0.0.1&gw_port=${router.port}&gw_id=testgw1&ip=10.99.0.2&mac=02:00:00:00:99:02`
      + `&url=http%3A%2F%2F127.0.0.1%3A${router.port}%2Fsome%2Fpage%3Fx%3D1%26y%3Dtwo`);
    assert.equal(terms.status, 200);
    assert.match(terms.html, /Café Test/);
    assert.match(terms.headers.get('content-security-policy') ?? '', new RegExp(`form-action 'self' http://127.0.0.1:${router.port}`));

    const online = await browser.submit(terms, 'form.accept', terms.document.querySelector('form.accept button'), hosts(router));
    // Accept → 303 to the gateway's /wifidog/auth?token= → the gateway asked stage=login → 302 to portal/.
    const authHop = browser.hops.find((hop) => hop.url.startsWith(`${router.url}wifidog/auth?token=`))!;
    const token = new URL(authHop.url).searchParams.get('token')!;
    assert.match(token, /^[A-Za-z0-9_-]{32,}$/, 'at least 128 random bits, base64url');
    assert.equal(router.requests.at(-1), `GET /wifidog/auth/?stage=login&ip=10.99.0.2&mac=02:00:00:00:99:02&token=${token}`
      + `&incoming=0&outgoing=0&gw_id=testgw1 HTTP/1.0\r\nUser-Agent: WiFiDog ${wifidogVersion}\r\nHost: 127.0.0.1\r\n\r\n`);
    assert.equal(online.status, 200);
    assert.equal(new URL(online.url).pathname, '/wifidog/portal/');
    assert.match(online.html, /You&#39;re online/);
    assert.deepEqual(router.clients.map((c) => c.allowed), [true]);

    // The acceptance is evidence; the session points at it; only the token's hash is stored.
    assert.equal(countRows(portal.store, 'acceptances'), acceptances + 1);
    const acceptance = rawDatabase(portal.store).prepare('SELECT * FROM acceptances ORDER BY id DESC LIMIT 1').get() as Record<string, unknown>;
    assert.equal(acceptance.client_mac, '02:00:00:00:99:02');
    assert.equal(acceptance.handoff, `wifidog http://127.0.0.1:${router.port}`);
    const session = sessionRow(portal, token)!;
    assert.equal(session.acceptance_id, acceptance.id);
    assert.equal(session.gateway_id, 'testgw1');
    assert.equal(session.started_at, portal.clock());
    assert.equal(session.local_day, '2026-11-27');
    assert.equal(JSON.stringify(rawDatabase(portal.store).prepare('SELECT * FROM guest_sessions').all()).includes(token), false);
    assert.deepEqual((await portal.store.liveGuestSessions('testgw1')).map((s) => s.id), [session.id]);

    // The online page links to the venue website, and that is where the guest goes.
    const link = online.document.querySelector('a.button')!.getAttribute('href')!;
    const website = await browser.request('GET', new URL(link, online.url).href, undefined, hosts(router));
    assert.equal(website.url, 'https://cafe.example/');

    // Counters every CheckInterval: Auth: 1 keeps the guest online, the bytes are stored.
    router.clients[0].incoming = 2995;
    router.clients[0].outgoing = 1085;
    portal.clock.advance(60_000);
    assert.deepEqual(await router.syncCounters(), [1]);
    const counted = sessionRow(portal, token)!;
    assert.equal(counted.bytes_in, 2995);
    assert.equal(counted.bytes_out, 1085);
    assert.equal(counted.last_counters_at, portal.clock());
  });

  it('serves a router whose AuthServer Path is DD-WRT\'s default /wifidog, without the slash, and says once in a while what to change', async () => {
    const router = await gateway({ gatewayId: 'testgw2', clientIp: '10.99.0.7', clientMac: '02:00:00:00:99:07', path: '/wifidog' });
    const { result: online, lines } = await captureLog(async () => {
      assert.equal(await router.ping(), true);
      const browser = new TestBrowser();
      const terms = await browser.request('GET', `${router.url}news`, undefined, hosts(router));
      assert.equal(new URL(browser.hops[1].url).pathname, '/wifidoglogin/');
      assert.equal(terms.status, 200, terms.html);
      const accepted = await browser.submit(terms, 'form.accept', terms.document.querySelector('form.accept button'), hosts(router));
      assert.match(router.requests.at(-1)!, /^GET \/wifidogauth\/\?stage=login&ip=10\.99\.0\.7&mac=02:00:00:00:99:07&token=[\w-]+&incoming=0&outgoing=0&gw_id=testgw2 HTTP\/1\.0\r\n/);
      for (let check = 0; check < 20; check++) assert.deepEqual(await router.syncCounters(), [1]);
      return accepted;
    });
    assert.equal(online.status, 200);
    assert.equal(new URL(online.url).pathname, '/wifidogportal/');
    assert.match(online.html, /You&#39;re online/);
    assert.deepEqual(router.clients.map((c) => c.allowed), [true]);
    const hints = lines.split('\n').filter((line) => line.includes('AuthServer Path lacks the final slash'));
    assert.equal(hints.length, 1, lines);
    assert.match(hints[0], /a WiFiDog router asks for \/wifidogping: its AuthServer Path lacks the final slash; set it to \/wifidog\/ in DD-WRT's Services › Hotspot › WiFiDog gateway=testgw2/);
  });

  it('answers ping with Pong and stores the router health', async () => {
    const router = await gateway({ clientIp: '10.99.0.3', clientMac: '02:00:00:00:99:03' });
    assert.equal(await router.ping({ sysUptime: 604, sysMemfree: 23587496, sysLoad: 1.85, wifidogUptime: 12 }), true);
    assert.equal(router.requests.at(-1), 'GET /wifidog/ping/?gw_id=testgw1&sys_uptime=604&sys_memfree=23587496&sys_load=1.85&wifidog_uptime=12 HTTP/1.0\r\n'
      + `User-Agent: WiFiDog ${wifidogVersion}\r\nHost: 127.0.0.1\r\n\r\n`);
    const stored = await portal.store.getGateway('testgw1');
    assert.equal(stored!.lastContactAt, portal.clock());
    assert.equal(stored!.health?.sysUptime, 604);
    assert.equal(stored!.health?.sysMemfree, 23587496);
    assert.equal(stored!.health?.sysLoad, 1.85);
    assert.equal(stored!.health?.daemonUptime, 12);
  });

  it('refuses a replayed token, and counters for a token that never logged in', async () => {
    const router = await gateway({ clientIp: '10.99.0.4', clientMac: '02:00:00:00:99:04' });
    const { token } = await acceptTerms(router);
    const guest = { ip: '10.99.0.4', mac: '02:00:00:00:99:04', token, incoming: 0, outgoing: 0 };
    assert.equal(await router.authRequest('counters', guest), 0, 'not logged in yet: counters must not let it through');
    assert.equal(await router.authRequest('login', guest), 1);
    assert.equal(await router.authRequest('login', guest), 0);
    const other = await acceptTerms(router);
    assert.equal(await router.authRequest('login', { ...guest, token: other.token.slice(0, -1) + (other.token.endsWith('A') ? 'B' : 'A') }), 0);
  });

  it('refuses a token used from another MAC, IP or gateway, and still accepts it from the right one', async () => {
    const router = await gateway({ clientIp: '10.99.0.5', clientMac: '02:00:00:00:99:05' });
    const { token } = await acceptTerms(router);
    const guest = { ip: '10.99.0.5', mac: '02:00:00:00:99:05', token, incoming: 0, outgoing: 0 };
    assert.equal(await router.authRequest('login', { ...guest, mac: '02:00:00:00:99:66' }), 0);
    assert.equal(await router.authRequest('login', { ...guest, ip: '10.99.0.66' }), 0);
    const otherRouter = await gateway({ gatewayId: 'testgw2', clientIp: '10.99.0.5', clientMac: '02:00:00:00:99:05' });
    assert.equal(await otherRouter.authRequest('login', guest), 0);
    assert.equal(await router.authRequest('login', guest), 1);
  });

  it('refuses an expired token, and the gateway shows the denied message', async () => {
    const router = await gateway({ clientIp: '10.99.0.6', clientMac: '02:00:00:00:99:06' });
    const browser = new TestBrowser();
    const { authUrl, token } = await acceptTerms(router, browser);
    portal.clock.advance(loginTokenLifetimeMs + 1);
    const page = await browser.request('GET', authUrl, undefined, hosts(router));
    assert.equal(new URL(page.url).pathname, '/wifidog/gw_message.php');
    assert.equal(new URL(page.url).searchParams.get('message'), 'denied');
    assert.equal(page.status, 200);
    assert.match(page.html, /expired or was already used/);
    assert.equal(router.clients.length, 0);
    assert.equal(sessionRow(portal, token)!.started_at, null);
  });

  it('does not serve an unknown gateway, but answers its ping', async () => {
    const router = await gateway({ gatewayId: 'nobody', clientIp: '10.99.0.7', clientMac: '02:00:00:00:99:07' });
    const browser = new TestBrowser();
    const page = await browser.request('GET', `${router.url}news`, undefined, hosts(router));
    assert.equal(page.status, 404);
    assert.match(page.html, /not set up on this portal/);
    assert.equal(await router.ping(), true, 'Pong, so the router does not give up on the auth server');
    assert.equal(await router.authRequest('login', { ip: '10.99.0.7', mac: '02:00:00:00:99:07', token: 'A'.repeat(32), incoming: 0, outgoing: 0 }), 0);
  });

  it('disconnects a guest at the first counters call after the session length', async () => {
    await portal.store.updateSite(portal.site.id, { sessionMinutes: 30 });
    const router = await gateway({ clientIp: '10.99.0.8', clientMac: '02:00:00:00:99:08' });
    const browser = new TestBrowser();
    const { authUrl, token } = await acceptTerms(router, browser);
    await browser.request('GET', authUrl, undefined, hosts(router));
    portal.clock.advance(29 * 60_000);
    router.clients[0].incoming = 5000;
    assert.deepEqual(await router.syncCounters(), [1]);
    portal.clock.advance(60_000);
    router.clients[0].incoming = 7000;
    assert.deepEqual(await router.syncCounters(), [0]);
    assert.equal(router.clients.length, 0, 'the gateway closed its firewall for the guest');
    const session = sessionRow(portal, token)!;
    assert.equal(session.end_reason, 'session_length');
    assert.equal(session.ended_at, portal.clock());
    assert.equal(session.bytes_in, 7000);
    assert.equal(await router.authRequest('counters', { ip: '10.99.0.8', mac: '02:00:00:00:99:08', token, incoming: 1, outgoing: 1 }), 0);
    await portal.store.updateSite(portal.site.id, { sessionMinutes: 240 });
  });

  it('closes the session on logout, keeping its bytes', async () => {
    const router = await gateway({ clientIp: '10.99.0.9', clientMac: '02:00:00:00:99:09' });
    const browser = new TestBrowser();
    const { authUrl, token } = await acceptTerms(router, browser);
    await browser.request('GET', authUrl, undefined, hosts(router));
    router.clients[0].incoming = 1234;
    router.clients[0].outgoing = 567;
    portal.clock.advance(10 * 60_000);
    await browser.request('GET', `${router.url}wifidog/auth?logout=1&token=${token}`, undefined, hosts(router));
    assert.match(router.requests.at(-1)!, /^GET \/wifidog\/auth\/\?stage=logout&ip=10\.99\.0\.9&mac=02:00:00:00:99:09&token=[^&]+&incoming=1234&outgoing=567&gw_id=testgw1 HTTP\/1\.0\r\n/);
    const session = sessionRow(portal, token)!;
    assert.equal(session.end_reason, 'logout');
    assert.equal(session.ended_at, portal.clock());
    assert.equal(session.bytes_in, 1234);
    assert.equal(session.bytes_out, 567);
    assert.equal((await portal.store.liveGuestSessions('testgw1')).some((s) => s.id === session.id), false);
  });

  it('lets a guest in when the gateway could not find the MAC at capture', async () => {
    const router = await gateway({ clientIp: '10.99.0.10', clientMac: null, macAtLogin: '02:00:00:00:99:10' });
    const browser = new TestBrowser();
    const { authUrl, token } = await acceptTerms(router, browser);
    assert.doesNotMatch(browser.hops[1].url, /mac=/);
    const online = await browser.request('GET', authUrl, undefined, hosts(router));
    assert.match(online.html, /You&#39;re online/);
    const session = sessionRow(portal, token)!;
    assert.equal(session.client_mac, '02:00:00:00:99:10');
    const acceptance = rawDatabase(portal.store).prepare('SELECT client_mac FROM acceptances WHERE id = ?').get(session.acceptance_id) as { client_mac: string | null };
    assert.equal(acceptance.client_mac, null);
  });

  it('lets a returning device straight through a pinned router within the remember period, and asks again for new terms', async () => {
    await portal.store.updateSite(portal.site.id, { rememberDays: 7 });
    try {
      const router = await gateway({ gatewayId: 'pinned', clientIp: '10.99.0.11', clientMac: '02:00:00:00:99:11' });
      const first = await acceptTerms(router);
      assert.equal(await router.authRequest('login', { ip: '10.99.0.11', mac: '02:00:00:00:99:11', token: first.token, incoming: 0, outgoing: 0 }), 1);
      const firstAcceptance = sessionRow(portal, first.token)!.acceptance_id;
      const acceptances = countRows(portal.store, 'acceptances');

      portal.clock.advance(3 * 24 * 60 * 60_000);
      const browser = new TestBrowser();
      const online = await browser.request('GET', `${router.url}again`, undefined, hosts(router));
      assert.match(online.html, /You&#39;re online/, 'no terms page: straight to the gateway and online');
      const token = new URL(browser.hops.find((hop) => hop.url.includes('/wifidog/auth?token='))!.url).searchParams.get('token')!;
      assert.equal(sessionRow(portal, token)!.acceptance_id, firstAcceptance, 'the session names the acceptance it relies on');
      assert.equal(countRows(portal.store, 'acceptances'), acceptances, 'no acceptance is invented');
      assert.equal(sessionRow(portal, first.token)!.end_reason, 'replaced');

      await portal.store.publishTerms(portal.site.id, termsTexts([{ language: 'en', body: '# New terms\n\nBe nice.' }]), portal.clock());
      const asked = await new TestBrowser().request('GET', `${router.url}again`, undefined, hosts(router));
      assert.match(asked.html, /New terms/);
      assert.ok(asked.document.querySelector('form.accept'));
    } finally {
      await portal.store.updateSite(portal.site.id, { rememberDays: 0 });
    }
  });
});
