import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signedInPortal } from './admin-helpers';
import { describeAcceptance } from '../../app/acceptance-record';
import { lastAcceptance } from '../helpers';

describe('admin routers', () => {
  const admin = signedInPortal({ PUBLIC_URL: 'http://192.168.10.5:8080/' });

  it('lists the router types from the driver registry', async () => {
    const page = await admin.agent.get('/admin/routers').expect(200);
    assert.match(page.text, /<option value="pfsense" selected>pfSense captive portal<\/option>/);
    assert.match(page.text, /No routers yet/);
  });

  it('adds a router and shows its setup instructions with PUBLIC_URL and its upload page', async () => {
    await admin.agent.post('/admin/routers').type('form')
      .send({ _csrf: admin.csrf, type: 'pfsense', id: 'lobby', name: 'Lobby pfSense', address: '192.168.10.1:8002' })
      .expect(303).expect('Location', '/admin/routers/lobby');
    const gateway = await admin.portal.store.getGateway('lobby');
    assert.deepEqual({ type: gateway?.type, name: gateway?.name, settings: gateway?.settings },
      { type: 'pfsense', name: 'Lobby pfSense', settings: { address: '192.168.10.1:8002' } });

    const page = await admin.agent.get('/admin/routers/lobby').expect(200);
    assert.match(page.text, /Hostname: 192\.168\.10\.5/);
    assert.match(page.text, /http:\/\/192\.168\.10\.5:8080\/pfsense\/lobby/);
    assert.match(page.text, /\(192\.168\.10\.1:8002\)/);
    const upload = await admin.agent.get('/admin/routers/lobby/upload-page').expect(200);
    assert.equal(upload.headers['content-disposition'], 'attachment; filename=portico-lobby.html');
    assert.match(upload.text, /action="http:\/\/192\.168\.10\.5:8080\/pfsense\/lobby"/);
    assert.match(upload.text, /\$PORTAL_ACTION\$/);
    assert.match((await admin.agent.get('/admin/routers')).text, /Lobby pfSense/);
  });

  it('refuses a bad type, id, address and a taken id with the form kept', async () => {
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ type: 'cisco', id: 'x' }, 400, /unknown gateway type/],
      [{ type: 'pfsense', id: 'has space' }, 400, /The id must be/],
      [{ type: 'pfsense', id: 'hall', address: 'http://x/' }, 400, /--address must be host or host:port/],
      [{ type: 'wifidog', id: 'hall', routerAddress: 'router.example' }, 400, /--router-address must be the IP address/],
      [{ type: 'pfsense', id: 'hall', routerAddress: '192.0.2.7' }, 400, /--router-address is for WiFiDog/],
      [{ type: 'pfsense', id: 'lobby' }, 409, /already/],
    ];
    for (const [form, status, message] of cases) {
      const response = await admin.agent.post('/admin/routers').type('form').send({ _csrf: admin.csrf, ...form });
      assert.equal(response.status, status, JSON.stringify(form));
      assert.match(response.text, message);
    }
    assert.equal((await admin.portal.store.listGateways()).length, 1);
  });

  it('renames a router', async () => {
    await admin.agent.post('/admin/routers/lobby/rename').type('form').send({ _csrf: admin.csrf, name: 'Front bar' })
      .expect(303).expect('Location', '/admin/routers/lobby?renamed');
    assert.equal((await admin.portal.store.getGateway('lobby'))?.name, 'Front bar');
    await admin.agent.post('/admin/routers/lobby/rename').type('form').send({ _csrf: admin.csrf, name: ' ' }).expect(400);
    await admin.agent.post('/admin/routers/nowhere/rename').type('form').send({ _csrf: admin.csrf, name: 'x' }).expect(404);
  });

  it('removes a router only when confirmed, keeping its acceptances', async () => {
    const terms = (await admin.portal.store.currentTerms(admin.portal.site.id))!;
    const acceptance = await admin.portal.store.recordAcceptance(describeAcceptance(admin.portal.site, {
      acceptedAt: admin.portal.clock(), gatewayId: 'lobby', termsVersionId: terms.id, deviceId: null, clientMac: null,
      clientIp: '10.0.0.9', userAgent: null, language: 'en', handoff: 'pfsense http://192.168.10.1:8002',
    }));
    await admin.agent.post('/admin/routers/lobby/remove').type('form').send({ _csrf: admin.csrf }).expect(400);
    assert.ok(await admin.portal.store.getGateway('lobby'));
    await admin.agent.post('/admin/routers/lobby/remove').type('form').send({ _csrf: admin.csrf, confirm: 'yes' })
      .expect(303).expect('Location', '/admin/routers');
    assert.equal(await admin.portal.store.getGateway('lobby'), undefined);
    const row = (await lastAcceptance(admin.portal.store))!;
    assert.deepEqual({ id: row.id, gatewayId: row.gatewayId, clientIp: row.clientIp }, { id: acceptance.id, gatewayId: null, clientIp: '10.0.0.9' });
    await admin.agent.get('/admin/routers/lobby').expect(404);
  });

  it('pins a WiFiDog router to its address from the form', async () => {
    await admin.agent.post('/admin/routers').type('form')
      .send({ _csrf: admin.csrf, type: 'wifidog', id: 'bar', name: 'Bar', routerAddress: ' 192.0.2.7 ' })
      .expect(303).expect('Location', '/admin/routers/bar');
    assert.deepEqual((await admin.portal.store.getGateway('bar'))?.settings, { checkIntervalSeconds: 60, routerAddress: '192.0.2.7' });
    assert.match((await admin.agent.get('/admin/routers/bar').expect(200)).text, /only from 192\.0\.2\.7, the address it is pinned to/);
  });
});
