import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it, test } from 'node:test';
import { openPostgresStore } from '../../app/store/postgres';
import { csrfOf } from '../admin/admin-helpers';
import { runCli, tempDir } from '../helpers';
import { dropSchema, notRun, postgresUrl, schemaName } from '../postgres/database';
import { TestBrowser } from '../sim/browser';
import { accessRequest, ask, integer, ipv4, text, userPassword } from '../sim/radius-client';
import { startWifiDog } from '../sim/wifidog';
import { acceptFormFor, routerAddress, startServerProcess, type ServerProcess } from './server-process';

/*
 * Two real server processes on one PostgreSQL database, as behind a load balancer: whatever one instance
 * started, the other carries on — a WiFiDog token, a RADIUS login, an admin session.
 */

const radiusSecret = 'instances-radius-secret-0123456789';
const password = 'harbour lights at dusk';

/** The RADIUS authentication port a server logged. */
const radiusPort = (server: ServerProcess) => Number(/radius listening port=auth address=127\.0\.0\.1:(\d+)/.exec(server.log())?.[1]);

if (notRun) test('two server processes on one PostgreSQL database', { skip: notRun }, () => {});
else describe('two server processes on one PostgreSQL database', () => {
  const schema = schemaName();
  // The processes' own connections, on this test's schema.
  const databaseUrl = `${postgresUrl}${postgresUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const dataDir = tempDir();
  const servers: ServerProcess[] = [];
  let first: ServerProcess;
  let second: ServerProcess;
  const cli = (argv: string[], stdin?: string) => runCli(argv, { dataDir, publicUrl: 'http://127.0.0.1/', stdin, env: { DATABASE_URL: databaseUrl } });

  before(async () => {
    await (await openPostgresStore(postgresUrl, { schema })).close(); // makes the schema the URL names
    for (const argv of [
      ['gateway', 'add', '--type', 'pfsense', '--id', 'cafe', '--address', routerAddress, '--mode', 'radius', '--radius-secret', radiusSecret],
      ['gateway', 'add', '--type', 'wifidog', '--id', 'bar'],
    ]) {
      const added = await cli(argv);
      assert.equal(added.code, 0, added.err);
    }
    const admin = await cli(['admin', 'add', 'owner', '--password-stdin', '--operator'], password);
    assert.equal(admin.code, 0, admin.err);
    const env = { DATABASE_URL: databaseUrl, RADIUS_HOST: '127.0.0.1' };
    [first, second] = await Promise.all([startServerProcess(tempDir(), env), startServerProcess(tempDir(), env)]);
    servers.push(first, second);
  });
  after(async () => {
    for (const server of servers) server.child.kill('SIGKILL');
    await Promise.all(servers.map((server) => server.exited));
    await dropSchema(schema);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('confirms a WiFiDog token on one instance that the other issued', async () => {
    const guest = { ip: '10.99.0.7', mac: '02:00:00:00:99:07' };
    const router = await startWifiDog({ gatewayId: 'bar', authServer: first.url, clientIp: guest.ip, clientMac: guest.mac });
    // The same router, its auth requests reaching the other instance.
    const routerToSecond = await startWifiDog({ gatewayId: 'bar', authServer: second.url, clientIp: guest.ip, clientMac: guest.mac });
    try {
      const browser = new TestBrowser();
      const hosts = new Set([new URL(first.url).host, new URL(router.url).host]);
      const terms = await browser.request('GET', `${router.url}news`, undefined, hosts);
      assert.equal(terms.status, 200, terms.html);
      const accepted = await browser.submit(terms, 'form.accept', terms.document.querySelector('form.accept button'), new Set([new URL(first.url).host]));
      const token = new URL(accepted.url).searchParams.get('token');
      assert.ok(token, accepted.url);
      assert.equal(await routerToSecond.authRequest('login', { ...guest, token, incoming: 0, outgoing: 0 }), 1);
      assert.equal(await router.authRequest('counters', { ...guest, token, incoming: 4096, outgoing: 1024 }), 1);
      assert.equal(await routerToSecond.authRequest('login', { ...guest, token: 'x'.repeat(32), incoming: 0, outgoing: 0 }), 0, 'an unknown token is still refused');
    } finally {
      await Promise.all([router.close(), routerToSecond.close()]);
    }
  });

  it('answers pfSense\'s RADIUS login on one instance for a guest who accepted on the other', async () => {
    const guest = { mac: '02:00:00:00:bb:07', ip: '10.0.0.27' };
    const form = await acceptFormFor(first, guest.mac, guest.ip);
    const accepted = await fetch(new URL('accept', first.url), { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    assert.equal(accepted.status, 307);
    const fields = new URLSearchParams(form);
    const login = (password: string) => accessRequest({
      secret: radiusSecret,
      attributes: [integer(6, 1), text(1, fields.get('auth_user')!), userPassword(password), ipv4(4, '10.0.0.1'), text(32, 'cafe'), text(31, guest.mac), integer(61, 15), ipv4(8, guest.ip)],
    });
    assert.equal((await ask(radiusPort(second), login(fields.get('auth_pass')!), radiusSecret, { timeoutMs: 2000 }))?.code, 2, second.log());
    // The login was single-use: the first instance refuses it now.
    assert.equal((await ask(radiusPort(first), login(fields.get('auth_pass')!), radiusSecret, { timeoutMs: 2000 }))?.code, 3);
  });

  it('keeps an admin signed in on either instance, and signs them out on both', async () => {
    const page = await fetch(new URL('admin/login', first.url));
    const cookie = page.headers.get('set-cookie')!.split(';')[0];
    const body = new URLSearchParams({ _csrf: csrfOf(await page.text()), username: 'owner', password });
    const signedIn = await fetch(new URL('admin/login', first.url), { method: 'POST', body, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    assert.equal(signedIn.status, 303);
    const session = signedIn.headers.get('set-cookie')!.split(';')[0];
    const routers = await fetch(new URL('admin/venues/1/routers', second.url), { headers: { cookie: session }, redirect: 'manual' });
    assert.equal(routers.status, 200);
    const html = await routers.text();
    assert.match(html, /bar/);

    const signedOut = await fetch(new URL('admin/logout', second.url), {
      method: 'POST', body: new URLSearchParams({ _csrf: csrfOf(html) }), headers: { cookie: session, 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual',
    });
    assert.equal(signedOut.status, 303);
    const after = await fetch(new URL('admin/venues/1/routers', first.url), { headers: { cookie: session }, redirect: 'manual' });
    assert.equal(after.status, 303, 'the session ended on the other instance too');
    assert.match(after.headers.get('location')!, /\/admin\/login/);
  });
});
