import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { passwordFor } from '../../app/radius/credentials';
import { countRows, runCli, tempDir, testPortal, type TestPortal } from '../helpers';
import { chilliChapChallenge, chilliRedirect, type ChilliGuest, type ChilliRouter } from '../sim/coovachilli-urls';

const uamSecret = 'uam-test-secret-1234';
const guest: ChilliGuest = { called: '02-00-00-00-95-01', mac: '02:00:00:00:95:02', ip: '10.95.0.2' };
const challenge = 'df8b38b2a283f3710db6737f8472ec50';

/** The path and query of a redirect, as the browser asks Portico for it. */
const pathOf = (url: string) => url.slice(url.indexOf('/', 'http://'.length));

describe('CoovaChilli: the UAM server leg', () => {
  let portal: TestPortal;
  let router: ChilliRouter;

  before(async () => {
    portal = await testPortal();
    await portal.store.addGateway({
      id: 'bar-router', siteId: portal.site.id, type: 'coovachilli', name: 'Bar', settings: { radiusSecret: 'chilli-radius-secret-xyz', uamSecret },
    }, portal.clock());
    router = { uamServer: 'http://portal.test/chilli/bar-router', uamSecret, uamip: '10.95.0.1', uamport: 3990, nasid: 'bar-router' };
  });
  after(() => portal.close());

  it('shows a captured guest the terms, then sends the browser to the router\'s logon with a CHAP response for a one-time login', async () => {
    const before = countRows(portal.store, 'acceptances');
    // 1.9's first capture of a client carries an empty userurl.
    const terms = await request(portal.app).get(pathOf(chilliRedirect(router, guest, 'notyet', { challenge }))).expect(200);
    assert.match(terms.text, /Café Test/);
    assert.match(terms.headers['content-security-policy'], /form-action 'self' http:\/\/10\.95\.0\.1:3990/);
    const state = /name="state" value="([^"]+)"/.exec(terms.text)![1];
    const accepted = await request(portal.app).post('/accept').type('form').send({ state, accept: 'Accept' }).expect(303);

    const logon = new URL(accepted.headers.location);
    assert.equal(`${logon.origin}${logon.pathname}`, 'http://10.95.0.1:3990/logon');
    assert.equal(logon.searchParams.get('userurl'), `http://portal.test/online/${portal.site.id}`);
    const username = logon.searchParams.get('username')!;
    // As chilli's hotspotlogin: response = MD5(0x00 + password + MD5(challenge + UAM secret)).
    const expected = createHash('md5').update(Buffer.from([0])).update(passwordFor(portal.ctx, username)).update(chilliChapChallenge(challenge, uamSecret)).digest('hex');
    assert.equal(logon.searchParams.get('response'), expected);

    assert.equal(countRows(portal.store, 'acceptances'), before + 1);
    const login = await portal.store.findRadiusCredential(username);
    assert.deepEqual([login?.gatewayId, login?.clientMac, login?.clientIp, login?.acceptedAt], ['bar-router', guest.mac, guest.ip, null]);
  });

  it('keeps the router\'s signature valid across the page\'s language links', async () => {
    const res = await request(portal.app).get(`${pathOf(chilliRedirect(router, guest, 'notyet', { challenge, userurl: 'http://example.com/a?b=c d' }))}&lang=de`).expect(200);
    assert.match(res.text, /<html lang="de"/);
  });

  it('refuses a redirect the router did not sign, or one altered, recording nothing', async () => {
    const before = countRows(portal.store, 'acceptances');
    const signed = chilliRedirect(router, guest, 'notyet', { challenge });
    const refused = [
      chilliRedirect({ ...router, uamSecret: 'another-uam-secret!' }, guest, 'notyet', { challenge }),
      chilliRedirect({ ...router, uamServer: 'http://portal.test/chilli/bar-router/' }, guest, 'notyet', { challenge }),
      signed.replace('mac=02-00-00-00-95-02', 'mac=02-00-00-00-95-03'),
      signed.replace(/&md=.*$/, ''),
      `${signed}&x=1`,
    ];
    for (const url of refused) {
      const res = await request(portal.app).get(pathOf(url)).expect(400);
      assert.match(res.text, /did not come from this venue&#39;s router|did not come from this venue's router/);
    }
    assert.equal(countRows(portal.store, 'acceptances'), before);
  });

  it('refuses a signed redirect naming another NAS ID or a router address off the guest network', async () => {
    await request(portal.app).get(pathOf(chilliRedirect({ ...router, nasid: 'other' }, guest, 'notyet', { challenge }))).expect(400);
    await request(portal.app).get(pathOf(chilliRedirect({ ...router, uamip: '8.8.8.8' }, guest, 'notyet', { challenge }))).expect(400);
    await request(portal.app).get(pathOf(chilliRedirect(router, guest, 'notyet', { challenge: 'not-hex' }))).expect(400);
    await request(portal.app).get(pathOf(chilliRedirect(router, guest, 'bogus', { challenge }))).expect(400);
    await request(portal.app).get(pathOf(chilliRedirect({ ...router, uamServer: 'http://portal.test/chilli/nobody' }, guest, 'notyet', { challenge }))).expect(404);
  });

  it('answers the router\'s other redirects: success and already online, failed with a way back, logoff', async () => {
    for (const res of ['success', 'already']) {
      const page = await request(portal.app).get(pathOf(chilliRedirect(router, guest, res, { uid: 'g0', timeleft: 14400 }))).expect(200);
      assert.match(page.text, /You&#39;re online|You're online/);
    }
    const failed = await request(portal.app).get(pathOf(chilliRedirect(router, guest, 'failed', { reason: 'reject', challenge }))).set('Accept-Language', 'de').expect(200);
    assert.match(failed.text, /Der WLAN-Router konnte Sie nicht anmelden/);
    const logoff = await request(portal.app).get(pathOf(chilliRedirect(router, guest, 'logoff', { challenge }))).expect(200);
    assert.match(logoff.text, /Logged out/);
    // Unsigned, none of them is believed.
    await request(portal.app).get(pathOf(chilliRedirect({ ...router, uamSecret: 'another-uam-secret!' }, guest, 'success'))).expect(400);
  });

  it('is added from the command line with secrets it makes, and its setup names the UAM server under PUBLIC_URL\'s path', async () => {
    const dataDir = tempDir();
    const publicUrl = 'http://192.168.1.5:8080/portal/';
    const added = await runCli(['gateway', 'add', '--type', 'coovachilli', '--id', 'cafe'], { dataDir, publicUrl });
    assert.equal(added.code, 0, added.err);
    const setup = await runCli(['gateway', 'setup', 'cafe'], { dataDir, publicUrl });
    assert.match(setup.out, /Redirect URL: http:\/\/192\.168\.1\.5:8080\/portal\/chilli\/cafe$/m);
    assert.match(setup.out, /Radius NAS ID: cafe$/m);
    assert.match(setup.out, /UAM Allowed: 192\.168\.1\.5:8080$/m);
    const secrets = [/Shared Key: (\S+)$/m.exec(setup.out)?.[1], /UAM Secret: (\S+)$/m.exec(setup.out)?.[1]];
    assert.ok(secrets.every((secret) => secret && secret.length >= 24), 'two secrets of 144 bits');
    assert.notEqual(secrets[0], secrets[1]);
    const weak = await runCli(['gateway', 'add', '--type', 'coovachilli', '--id', 'weak', '--uam-secret', 'short'], { dataDir, publicUrl });
    assert.equal(weak.code, 1);
    assert.match(weak.err, /The UAM secret must be 16 to 128/);
  });
});
