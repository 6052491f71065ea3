import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signedInPortal } from './admin-helpers';
import { describeAcceptance } from '../../app/acceptance-record';
import { lastAcceptance } from '../helpers';

describe('admin routers', () => {
  const admin = signedInPortal({ PUBLIC_URL: 'http://192.168.10.5:8080/' });

  it('lists the router types from the driver registry', async () => {
    const page = await admin.agent.get('/admin/venues/1/routers').expect(200);
    assert.match(page.text, /<option value="pfsense" selected>pfSense captive portal<\/option>/);
    assert.match(page.text, /No routers yet/);
  });

  it('adds a router and shows its setup instructions with PUBLIC_URL and its upload page', async () => {
    await admin.agent.post('/admin/venues/1/routers').type('form')
      .send({ _csrf: admin.csrf, type: 'pfsense', id: 'lobby', name: 'Lobby pfSense', address: '192.168.10.1:8002' })
      .expect(303).expect('Location', '/admin/venues/1/routers/lobby');
    const gateway = await admin.portal.store.getGateway('lobby');
    assert.deepEqual({ type: gateway?.type, name: gateway?.name, settings: gateway?.settings },
      { type: 'pfsense', name: 'Lobby pfSense', settings: { address: '192.168.10.1:8002', mode: 'none' } });

    const page = await admin.agent.get('/admin/venues/1/routers/lobby').expect(200);
    assert.match(page.text, /<ol class="setup-steps">/);
    assert.match(page.text, /<span>IP Address<\/span> <code>192\.168\.10\.5<\/code> <button type="button" class="copy" data-copy="192\.168\.10\.5" hidden>Copy<\/button>/);
    assert.match(page.text, /href="\/admin\/venues\/1\/routers\/lobby\/upload-page" download>/);
    assert.doesNotMatch(page.text, /npx portico gateway page/, 'the admin offers the download, not a shell command');
    assert.match(page.text, /<script src="\/copy-values\.js" defer><\/script>/);
    assert.match(page.text, /http:\/\/192\.168\.10\.5:8080\/pfsense\/lobby/);
    assert.match(page.text, /\(192\.168\.10\.1:8002\)/);
    const upload = await admin.agent.get('/admin/venues/1/routers/lobby/upload-page').expect(200);
    assert.equal(upload.headers['content-disposition'], 'attachment; filename=portico-lobby.html');
    assert.match(upload.text, /action="http:\/\/192\.168\.10\.5:8080\/pfsense\/lobby"/);
    assert.match(upload.text, /\$PORTAL_ACTION\$/);
    assert.match((await admin.agent.get('/admin/venues/1/routers')).text, /Lobby pfSense/);
  });

  it('refuses a bad type, id, address and a taken id with the form kept', async () => {
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ type: 'cisco', id: 'x' }, 400, /unknown gateway type/],
      [{ type: 'pfsense', id: 'has space' }, 400, /The id must be/],
      [{ type: 'pfsense', id: 'hall', address: 'http://192.168.10.1:8002/index.php' }, 400, /Give the pfSense portal&#39;s address alone, such as 192\.168\.10\.1:8002, without a path/],
      [{ type: 'pfsense', id: 'hall', address: '8.8.8.8:8002' }, 400, /8\.8\.8\.8 is a public address: give the pfSense portal&#39;s address on the guest network/],
      [{ type: 'pfsense', id: 'hall', address: 'not an address' }, 400, /&#34;not an address&#34; is not an address: give the pfSense portal as guests reach it/],
      [{ type: 'wifidog', id: 'hall', routerAddress: 'router.example' }, 400, /&#34;router\.example&#34; is not an IP address: give the address the router&#39;s requests come from/],
      [{ type: 'pfsense', id: 'hall', routerAddress: '192.0.2.7' }, 400, /--router-address is for WiFiDog/],
      [{ type: 'pfsense', id: 'lobby' }, 409, /already/],
    ];
    for (const [form, status, message] of cases) {
      const response = await admin.agent.post('/admin/venues/1/routers').type('form').send({ _csrf: admin.csrf, ...form });
      assert.equal(response.status, status, JSON.stringify(form));
      assert.match(response.text, message);
    }
    assert.equal((await admin.portal.store.listGateways()).length, 1);
  });

  it('takes a pfSense address pasted from the browser as the portal address it names', async () => {
    await admin.agent.post('/admin/venues/1/routers').type('form').send({ _csrf: admin.csrf, type: 'pfsense', id: 'pasted', address: ' HTTP://192.168.10.1:8002/ ' }).expect(303);
    assert.deepEqual((await admin.portal.store.getGateway('pasted'))?.settings, { address: '192.168.10.1:8002', mode: 'none' });
    await admin.portal.store.removeGateway('pasted');
  });

  it('renames a router', async () => {
    await admin.agent.post('/admin/venues/1/routers/lobby/rename').type('form').send({ _csrf: admin.csrf, name: 'Front bar' })
      .expect(303).expect('Location', '/admin/venues/1/routers/lobby?renamed');
    assert.equal((await admin.portal.store.getGateway('lobby'))?.name, 'Front bar');
    await admin.agent.post('/admin/venues/1/routers/lobby/rename').type('form').send({ _csrf: admin.csrf, name: ' ' }).expect(400);
    await admin.agent.post('/admin/venues/1/routers/nowhere/rename').type('form').send({ _csrf: admin.csrf, name: 'x' }).expect(404);
  });

  it('removes a router only when confirmed, keeping its acceptances', async () => {
    const terms = (await admin.portal.store.currentTerms(admin.portal.site.id))!;
    const acceptance = await admin.portal.store.recordAcceptance(describeAcceptance(admin.portal.site, {
      acceptedAt: admin.portal.clock(), gatewayId: 'lobby', termsVersionId: terms.id, deviceId: null, clientMac: null,
      clientIp: '10.0.0.9', userAgent: null, language: 'en', handoff: 'pfsense http://192.168.10.1:8002',
    }));
    await admin.agent.post('/admin/venues/1/routers/lobby/remove').type('form').send({ _csrf: admin.csrf }).expect(400);
    assert.ok(await admin.portal.store.getGateway('lobby'));
    await admin.agent.post('/admin/venues/1/routers/lobby/remove').type('form').send({ _csrf: admin.csrf, confirm: 'yes' })
      .expect(303).expect('Location', '/admin/venues/1/routers');
    assert.equal(await admin.portal.store.getGateway('lobby'), undefined);
    const row = (await lastAcceptance(admin.portal.store))!;
    assert.deepEqual({ id: row.id, gatewayId: row.gatewayId, clientIp: row.clientIp }, { id: acceptance.id, gatewayId: null, clientIp: '10.0.0.9' });
    await admin.agent.get('/admin/venues/1/routers/lobby').expect(404);
  });

  it('pins a WiFiDog router to its address from the form', async () => {
    await admin.agent.post('/admin/venues/1/routers').type('form')
      .send({ _csrf: admin.csrf, type: 'wifidog', id: 'bar', name: 'Bar', routerAddress: ' 192.0.2.7 ' })
      .expect(303).expect('Location', '/admin/venues/1/routers/bar');
    assert.deepEqual((await admin.portal.store.getGateway('bar'))?.settings, { checkIntervalSeconds: 60, routerAddress: '192.0.2.7' });
    assert.match((await admin.agent.get('/admin/venues/1/routers/bar').expect(200)).text, /only from 192\.0\.2\.7, the address it is pinned to/);
  });

  it('shows the chosen type\'s fields in the add form, from its driver', async () => {
    const wifidog = (await admin.agent.get('/admin/venues/1/routers?type=wifidog').expect(200)).text;
    assert.match(wifidog, /<option value="wifidog" selected>/);
    assert.match(wifidog, /<input type="hidden" name="type" value="wifidog">/);
    assert.match(wifidog, /name="checkIntervalSeconds"[^>]*value="60"/);
    assert.match(wifidog, /name="routerAddress"/);
    assert.doesNotMatch(wifidog, /name="address"/);
    const pfsense = (await admin.agent.get('/admin/venues/1/routers').expect(200)).text;
    assert.match(pfsense, /name="address"/);
    assert.doesNotMatch(pfsense, /name="checkIntervalSeconds"/);
    const refused = await admin.agent.post('/admin/venues/1/routers').type('form')
      .send({ _csrf: admin.csrf, type: 'wifidog', id: 'slow', checkIntervalSeconds: '5' }).expect(400);
    assert.match(refused.text, /The check interval must be whole seconds/);
    assert.match(refused.text, /name="checkIntervalSeconds"[^>]*value="5"/);
  });

  it('edits a router\'s options from its page: the check interval and the pin, with its CSRF token', async () => {
    const page = (await admin.agent.get('/admin/venues/1/routers/bar').expect(200)).text;
    assert.match(page, /action="\/admin\/venues\/1\/routers\/bar\/settings"/);
    assert.match(page, /name="checkIntervalSeconds"[^>]*value="60"/);
    assert.match(page, /name="routerAddress"[^>]*value="192\.0\.2\.7"/);
    assert.match(page, /Router uptime/);

    await admin.agent.post('/admin/venues/1/routers/bar/settings').type('form')
      .send({ _csrf: admin.csrf, checkIntervalSeconds: '30', routerAddress: '' })
      .expect(303).expect('Location', '/admin/venues/1/routers/bar?saved');
    assert.deepEqual((await admin.portal.store.getGateway('bar'))?.settings, { checkIntervalSeconds: 30 });
    const saved = (await admin.agent.get('/admin/venues/1/routers/bar?saved').expect(200)).text;
    assert.match(saved, /Settings saved/);
    assert.match(saved, /<p>Check Interval \(sec\.\)<\/p>\s*<p class="setup-value"><code>30<\/code>/);

    const refused = await admin.agent.post('/admin/venues/1/routers/bar/settings').type('form')
      .send({ _csrf: admin.csrf, checkIntervalSeconds: '30', routerAddress: 'router.example' }).expect(400);
    assert.match(refused.text, /is not an IP address: give the address the router&#39;s requests come from/);
    assert.match(refused.text, /name="routerAddress"[^>]*value="router\.example"/);
    await admin.agent.post('/admin/venues/1/routers/bar/settings').type('form').send({ checkIntervalSeconds: '40' }).expect(403);
    await admin.agent.post('/admin/venues/1/routers/nowhere/settings').type('form').send({ _csrf: admin.csrf }).expect(404);
    assert.deepEqual((await admin.portal.store.getGateway('bar'))?.settings, { checkIntervalSeconds: 30 });
  });

  it('shows on the router page what the router last reported, in its driver\'s words', async () => {
    await admin.portal.store.recordGatewayContact('bar', { sysUptime: 3600, sysMemfree: 12000, sysLoad: 0.25, daemonUptime: 1800 }, admin.portal.clock());
    const page = (await admin.agent.get('/admin/venues/1/routers/bar').expect(200)).text;
    assert.match(page, /<dt>Last report<\/dt><dd>27 Nov 2026/);
    assert.match(page, /<dt>Router uptime<\/dt><dd>3600 s<\/dd>/);
    assert.match(page, /<dt>Free memory<\/dt><dd>12000 kB<\/dd>/);
    assert.match(page, /<dt>Load \(1 min\)<\/dt><dd>0\.25<\/dd>/);
  });

  it('sets a pfSense router\'s portal address from its page', async () => {
    await admin.agent.post('/admin/venues/1/routers').type('form').send({ _csrf: admin.csrf, type: 'pfsense', id: 'hall' }).expect(303);
    assert.deepEqual((await admin.portal.store.getGateway('hall'))?.settings, { mode: 'none' });
    assert.doesNotMatch((await admin.agent.get('/admin/venues/1/routers/hall').expect(200)).text, /What it reports/);
    await admin.agent.post('/admin/venues/1/routers/hall/settings').type('form').send({ _csrf: admin.csrf, address: 'Portal.Example:8002' })
      .expect(303).expect('Location', '/admin/venues/1/routers/hall?saved');
    assert.deepEqual((await admin.portal.store.getGateway('hall'))?.settings, { address: 'portal.example:8002', mode: 'none' });
    const refused = await admin.agent.post('/admin/venues/1/routers/hall/settings').type('form')
      .send({ _csrf: admin.csrf, address: 'portal.example', routerAddress: '192.0.2.7' }).expect(400);
    assert.match(refused.text, /--router-address is for WiFiDog/);
  });
});
