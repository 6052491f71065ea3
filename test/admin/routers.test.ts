import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testPortal, type TestPortal } from '../helpers';
import { signedInAgent } from './admin-helpers';

describe('admin routers', () => {
  let portal: TestPortal;
  let session: Awaited<ReturnType<typeof signedInAgent>>;
  before(async () => {
    portal = await testPortal({ PUBLIC_URL: 'http://192.168.10.5:8080/' });
    session = await signedInAgent(portal);
  });
  after(() => portal.close());

  it('lists the router types from the driver registry', async () => {
    const page = await session.agent.get('/admin/routers').expect(200);
    assert.match(page.text, /<option value="pfsense" selected>pfSense captive portal<\/option>/);
    assert.match(page.text, /No routers yet/);
  });

  it('adds a router and shows its setup instructions with PUBLIC_URL and its upload page', async () => {
    await session.agent.post('/admin/routers').type('form')
      .send({ _csrf: session.csrf, type: 'pfsense', id: 'lobby', name: 'Lobby pfSense', address: '192.168.10.1:8002' })
      .expect(303).expect('Location', '/admin/routers/lobby');
    const gateway = await portal.store.getGateway('lobby');
    assert.deepEqual({ type: gateway?.type, name: gateway?.name, settings: gateway?.settings },
      { type: 'pfsense', name: 'Lobby pfSense', settings: { address: '192.168.10.1:8002' } });

    const page = await session.agent.get('/admin/routers/lobby').expect(200);
    assert.match(page.text, /Hostname: 192\.168\.10\.5/);
    assert.match(page.text, /http:\/\/192\.168\.10\.5:8080\/pfsense\/lobby/);
    assert.match(page.text, /\(192\.168\.10\.1:8002\)/);
    const upload = await session.agent.get('/admin/routers/lobby/upload-page').expect(200);
    assert.equal(upload.headers['content-disposition'], 'attachment; filename=portico-lobby.html');
    assert.match(upload.text, /action="http:\/\/192\.168\.10\.5:8080\/pfsense\/lobby"/);
    assert.match(upload.text, /\$PORTAL_ACTION\$/);
    assert.match((await session.agent.get('/admin/routers')).text, /Lobby pfSense/);
  });

  it('refuses a bad type, id, address and a taken id with the form kept', async () => {
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ type: 'cisco', id: 'x' }, 400, /unknown gateway type/],
      [{ type: 'pfsense', id: 'has space' }, 400, /The id must be/],
      [{ type: 'pfsense', id: 'hall', address: 'http://x/' }, 400, /--address must be host or host:port/],
      [{ type: 'pfsense', id: 'lobby' }, 409, /already/],
    ];
    for (const [form, status, message] of cases) {
      const response = await session.agent.post('/admin/routers').type('form').send({ _csrf: session.csrf, ...form });
      assert.equal(response.status, status, JSON.stringify(form));
      assert.match(response.text, message);
    }
    assert.equal((await portal.store.listGateways()).length, 1);
  });

  it('renames a router', async () => {
    await session.agent.post('/admin/routers/lobby/rename').type('form').send({ _csrf: session.csrf, name: 'Front bar' })
      .expect(303).expect('Location', '/admin/routers/lobby?renamed');
    assert.equal((await portal.store.getGateway('lobby'))?.name, 'Front bar');
    await session.agent.post('/admin/routers/lobby/rename').type('form').send({ _csrf: session.csrf, name: ' ' }).expect(400);
    await session.agent.post('/admin/routers/nowhere/rename').type('form').send({ _csrf: session.csrf, name: 'x' }).expect(404);
  });

  it('removes a router only when confirmed, keeping its acceptances', async () => {
    const terms = (await portal.store.currentTerms(portal.site.id))!;
    const acceptance = await portal.store.recordAcceptance(portal.site, {
      acceptedAt: portal.clock(), gatewayId: 'lobby', termsVersionId: terms.id, deviceId: null, clientMac: null,
      clientIp: '10.0.0.9', userAgent: null, language: 'en', handoff: 'pfsense http://192.168.10.1:8002',
    });
    await session.agent.post('/admin/routers/lobby/remove').type('form').send({ _csrf: session.csrf }).expect(400);
    assert.ok(await portal.store.getGateway('lobby'));
    await session.agent.post('/admin/routers/lobby/remove').type('form').send({ _csrf: session.csrf, confirm: 'yes' })
      .expect(303).expect('Location', '/admin/routers');
    assert.equal(await portal.store.getGateway('lobby'), undefined);
    const row = portal.store.db.prepare('SELECT gateway_id, client_ip FROM acceptances WHERE id = ?').get(acceptance.id);
    assert.deepEqual(row, { gateway_id: null, client_ip: '10.0.0.9' });
    await session.agent.get('/admin/routers/lobby').expect(404);
  });
});
