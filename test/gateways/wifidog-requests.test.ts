import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { runCli, tempDir, testPortal } from '../helpers';
import { parseAuthCode } from '../sim/wifidog';

describe('WiFiDog routes refuse bad input with a 4xx or Auth: 0, never a 500', () => {
  let portal: Awaited<ReturnType<typeof testPortal>>;

  before(async () => {
    portal = await testPortal();
    await portal.store.addGateway({ id: 'testgw1', siteId: portal.site.id, type: 'wifidog', name: 'Bar', settings: { checkIntervalSeconds: 60 } }, portal.clock());
    await portal.store.addGateway({ id: 'lobby', siteId: portal.site.id, type: 'pfsense', name: 'Lobby', settings: {} }, portal.clock());
  });
  after(() => portal.close());

  const login = 'gw_address=10.99.0.1&gw_port=2060&gw_id=testgw1&ip=10.99.0.2&mac=02:00:00:00:99:02&url=http%3A%2F%2Fexample.com%2F';
  const auth = 'ip=10.99.0.2&mac=02:00:00:00:99:02&token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&incoming=0&outgoing=0&gw_id=testgw1';

  it('serves the terms page on every path spelling the gateway produces', async () => {
    for (const path of ['/wifidog/login/?', '/wifidog/login?', '/wifidog/login/']) {
      const response = await request(portal.app).get(`${path}${path.endsWith('?') ? '' : '?'}${login}`);
      assert.equal(response.status, 200, path);
      assert.match(response.text, /Accept and connect/);
    }
  });

  for (const [what, query, status] of [
    ['an unregistered gateway', login.replace('gw_id=testgw1', 'gw_id=stranger'), 404],
    ['a gateway of another type', login.replace('gw_id=testgw1', 'gw_id=lobby'), 404],
    ['a public gateway address', login.replace('gw_address=10.99.0.1', 'gw_address=203.0.113.1'), 400],
    ['a gateway host name', login.replace('gw_address=10.99.0.1', 'gw_address=evil.example'), 400],
    ['a gateway port out of range', login.replace('gw_port=2060', 'gw_port=70000'), 400],
    ['a gateway port of 0', login.replace('gw_port=2060', 'gw_port=0'), 400],
    ['no gateway port', login.replace('gw_port=2060&', ''), 400],
    ['a malformed MAC', login.replace('mac=02:00:00:00:99:02', 'mac=zz'), 400],
    ['a malformed IP', login.replace('ip=10.99.0.2', 'ip=10.99.0.999'), 400],
    ['a repeated gateway id', `${login}&gw_id=testgw1`, 400],
    ['an oversized url', `${login}${'x'.repeat(3000)}`, 400],
    ['an oversized gateway id', login.replace('gw_id=testgw1', `gw_id=${'g'.repeat(100)}`), 400],
  ] as const) {
    it(`login/ refuses ${what} with ${status}`, async () => {
      const response = await request(portal.app).get(`/wifidog/login/?${query}`);
      assert.equal(response.status, status, response.text);
      assert.match(response.headers['content-type'], /text\/html/);
    });
  }

  for (const [what, query] of [
    ['an unknown stage', `stage=bogus&${auth}`],
    ['no stage', auth],
    ['no token', `stage=login&${auth.replace(/token=[^&]+&/, '')}`],
    ['a token with odd characters', `stage=login&${auth.replace(/token=[^&]+/, 'token=%27%3Bdrop')}`],
    ['an oversized token', `stage=login&${auth.replace(/token=[^&]+/, `token=${'A'.repeat(500)}`)}`],
    ['a repeated token', `stage=login&${auth}&token=BBBB`],
    ['a malformed MAC', `stage=login&${auth.replace('mac=02:00:00:00:99:02', 'mac=02:00')}`],
    ['no MAC', `stage=counters&${auth.replace('mac=02:00:00:00:99:02&', '')}`],
    ['a malformed IP', `stage=login&${auth.replace('ip=10.99.0.2', 'ip=nope')}`],
    ['a malformed counter', `stage=counters&${auth.replace('incoming=0', 'incoming=-5')}`],
    ['an oversized counter', `stage=counters&${auth.replace('incoming=0', `incoming=${'9'.repeat(30)}`)}`],
  ] as const) {
    it(`auth/ answers ${what} with a 4xx and Auth: 0`, async () => {
      const response = await request(portal.app).get(`/wifidog/auth/?${query}`);
      assert.equal(response.status, 400);
      assert.equal(parseAuthCode(response.text), 0);
    });
  }

  it('auth/ answers a well-formed unknown token with Auth: 0', async () => {
    for (const stage of ['login', 'counters', 'logout']) {
      const response = await request(portal.app).get(`/wifidog/auth?stage=${stage}&${auth}`);
      assert.equal(response.status, 200);
      assert.match(response.headers['content-type'], /text\/plain/);
      assert.equal(response.text, 'Auth: 0');
    }
  });

  it('ping/ needs a gateway id, and gives a Pong even for odd figures', async () => {
    assert.equal((await request(portal.app).get('/wifidog/ping/?sys_uptime=1')).status, 400);
    const odd = await request(portal.app).get('/wifidog/ping/?gw_id=testgw1&sys_uptime=x&sys_memfree=&sys_load=NaN&wifidog_uptime=5');
    assert.equal(odd.status, 200);
    assert.equal(odd.text, 'Pong');
    const stored = await portal.store.getGateway('testgw1');
    assert.equal(stored!.health?.daemonUptime, 5);
    assert.equal(stored!.health?.sysUptime, undefined);
  });

  it('gw_message.php shows friendly pages for the gateway messages and a 400 for anything else', async () => {
    for (const [message, text] of [['denied', /expired or was already used/], ['activate', /being activated/], ['failed_validation', /could not be confirmed/], ['logged-out', /logged out/]] as const) {
      const response = await request(portal.app).get(`/wifidog/gw_message.php?message=${message}`);
      assert.equal(response.status, 200);
      assert.match(response.text, text);
    }
    for (const query of ['', '?message=hasOwnProperty', '?message=__proto__', `?message=${'x'.repeat(100)}`, '?message=a&message=b']) {
      const response = await request(portal.app).get(`/wifidog/gw_message.php${query}`);
      assert.equal(response.status, 400, query);
      assert.match(response.text, /<h1>Something is not right<\/h1>/);
    }
  });

  it('portal/ shows the online page for a registered gateway only', async () => {
    const online = await request(portal.app).get('/wifidog/portal/?gw_id=testgw1&token=whatever');
    assert.equal(online.status, 200);
    assert.match(online.text, /You&#39;re online/);
    assert.match(online.text, /href="https:\/\/cafe\.example\/"/);
    assert.equal((await request(portal.app).get('/wifidog/portal/?gw_id=lobby')).status, 404);
    assert.equal((await request(portal.app).get('/wifidog/portal/')).status, 400);
  });
});

describe('gateway add and gateway setup for WiFiDog', () => {
  const dataDir = tempDir();
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const cli = (args: string[], publicUrl = 'http://portal.example:8080/') => runCli(args, { dataDir, publicUrl, now: () => Date.UTC(2026, 10, 27) });

  it('registers a router by its Gateway ID and prints the DD-WRT form values', async () => {
    assert.equal((await cli(['settings', 'set', 'session_minutes', '120'])).code, 0);
    const added = await cli(['gateway', 'add', '--type', 'wifidog', '--id', 'testgw1', '--name', 'Bar router']);
    assert.equal(added.code, 0, added.err);
    assert.match(added.out, /gateway setup testgw1/);

    const setup = await cli(['gateway', 'setup', 'testgw1']);
    assert.equal(setup.code, 0, setup.err);
    assert.match(setup.out, /Services › Hotspot › WiFiDog/);
    assert.match(setup.out, /^ ?\d{1,2}\. Gateway Interface: the guest network's interface/m);
    assert.match(setup.out, /^ ?\d{1,2}\. Max Users: 250\n +DD-WRT's default of 10/m);
    assert.match(setup.out, /AuthServer Path: \/wifidog\/\n +With the slash at the end/);
    assert.match(setup.out, /^ ?\d{1,2}\. Gateway ID: testgw1\n/m);
    assert.match(setup.out, /^ ?\d{1,2}\. Port: 2060\n/m);
    assert.match(setup.out, /^ ?\d{1,2}\. Check Interval \(sec\.\): 60\n/m);
    assert.match(setup.out, /^ ?\d{1,2}\. Client Timeout: 5\n/m);
    assert.match(setup.out, /^ ?\d{1,2}\. AuthServer Hostname: portal\.example\n/m);
    assert.match(setup.out, /^ ?\d{1,2}\. AuthServer SSL Available: Disable\n/m);
    assert.match(setup.out, /^ ?\d{1,2}\. AuthServer HTTP Port: 8080\n/m);
    assert.match(setup.out, /^ ?\d{1,2}\. AuthServer Path: \/wifidog\/\n/m);
    assert.match(setup.out, /Session length: 120 minutes/);
    assert.match(setup.out, /after 180 s of silence it counts as down/);
  });

  it('prints SSL, the HTTPS port and a path prefix from PUBLIC_URL, and the chosen check interval', async () => {
    assert.equal((await cli(['gateway', 'add', '--type', 'wifidog', '--id', 'terrace', '--check-interval', '30'])).code, 0);
    const setup = await cli(['gateway', 'setup', 'terrace'], 'https://wifi.example/portico/');
    assert.match(setup.out, /^ ?\d{1,2}\. AuthServer SSL Available: Enable\n/m);
    assert.match(setup.out, /^ ?\d{1,2}\. AuthServer SSL Port: 443\n/m);
    assert.match(setup.out, /^ ?\d{1,2}\. AuthServer Path: \/portico\/wifidog\/\n/m);
    assert.match(setup.out, /^ ?\d{1,2}\. Check Interval \(sec\.\): 30\n/m);
    assert.match(setup.out, /^ ?\d{1,2}\. Client Timeout: 10\n/m);
  });

  it('refuses options that do not fit a WiFiDog router', async () => {
    const address = await cli(['gateway', 'add', '--type', 'wifidog', '--id', 'x1', '--address', '10.0.0.1']);
    assert.equal(address.code, 1);
    assert.match(address.err, /--address is for pfSense/);
    const interval = await cli(['gateway', 'add', '--type', 'wifidog', '--id', 'x2', '--check-interval', '5']);
    assert.equal(interval.code, 1);
    assert.match(interval.err, /The check interval must be whole seconds from 10 to 3600, such as 60/);
  });

  it('pins a router to the address its requests come from with --router-address, and recommends it otherwise', async () => {
    assert.match((await cli(['gateway', 'setup', 'testgw1'])).out, /Recommended: pin the router.*--id testgw1 --router-address <address>.*only on a pinned router/s);
    for (const bad of ['router.example', '10.0.0', '10.0.0.1:2060', '10.0.0.1/24']) {
      const refused = await cli(['gateway', 'add', '--type', 'wifidog', '--id', 'pinbad', '--router-address', bad]);
      assert.equal(refused.code, 1, bad);
      assert.match(refused.err, /is not an IP address: give the address the router's requests come from/);
    }
    const pfsense = await cli(['gateway', 'add', '--type', 'pfsense', '--id', 'pf', '--router-address', '10.0.0.1']);
    assert.equal(pfsense.code, 1);
    assert.match(pfsense.err, /--router-address is for WiFiDog/);
    for (const [id, address] of [['pinned4', '192.0.2.7'], ['pinned6', '2001:DB8::7']]) {
      assert.equal((await cli(['gateway', 'add', '--type', 'wifidog', '--id', id, '--router-address', address])).code, 0);
      const setup = await cli(['gateway', 'setup', id]);
      assert.match(setup.out, new RegExp(`own requests \\(auth/, ping/\\) only from ${address.toLowerCase()}, the address it is pinned to`));
      assert.doesNotMatch(setup.out, /Recommended: pin/);
    }
    const list = JSON.parse((await cli(['gateway', 'list', '--json'])).out) as { id: string; settings: Record<string, unknown> }[];
    assert.deepEqual(list.find((g) => g.id === 'pinned4')!.settings, { checkIntervalSeconds: 60, routerAddress: '192.0.2.7' });
  });
});
