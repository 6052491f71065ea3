import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import sharp from 'sharp';
import { hashPassword } from '../../app/admin/passwords';
import { adminRoutes } from '../../app/admin/routes';
import type { Site, Store } from '../../app/store/types';
import { createVenue } from '../../app/venue-settings';
import { testPortal, type TestPortal } from '../helpers';
import { csrfOf, ownerPassword } from './admin-helpers';

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: unknown;
}

/** Every route of the admin, as [method, path] with its parameters (:venueId, :id), read off the routers themselves so that none is left out. */
function adminRoutesOf(stack: Layer[], prefix = ''): [string, string][] {
  return stack.flatMap((layer): [string, string][] => {
    if (layer.route) {
      if (typeof layer.route.path !== 'string') return [];
      return Object.keys(layer.route.methods).filter((method) => method !== '_all').map((method) => [method.toUpperCase(), `${prefix}${layer.route!.path as string}`]);
    }
    const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
    return layer.handle.stack ? adminRoutesOf(layer.handle.stack, prefix + mount) : [];
  });
}

/** What a manager could change of a venue, read through the store. */
async function venueState(store: Store, site: Site) {
  return {
    site: await store.getSite(site.id),
    routers: await store.listGateways(site.id),
    terms: await store.listTerms(site.id),
    acceptances: await store.countAcceptances({ siteId: site.id }),
    accounts: await store.listAdminUsers(),
  };
}

describe('a venue manager is kept to their venues', () => {
  let portal: TestPortal;
  let cafeB: Site;
  let agent: ReturnType<typeof request.agent>;
  let csrf: string;
  let png: Buffer;

  before(async () => {
    portal = await testPortal();
    cafeB = await createVenue(portal.store, { slug: 'cafe-b', name: 'Secret Bistro' }, portal.clock());
    await portal.store.addGateway({ id: 'a-router', siteId: portal.site.id, type: 'wifidog', name: 'A', settings: { checkIntervalSeconds: 60 } }, portal.clock());
    await portal.store.addGateway({ id: 'b-router', siteId: cafeB.id, type: 'wifidog', name: 'B', settings: { checkIntervalSeconds: 60 } }, portal.clock());
    await portal.store.addAdminUser('olga', await hashPassword(ownerPassword), portal.clock(), { role: 'operator' });
    await portal.store.addAdminUser('max', await hashPassword(ownerPassword), portal.clock(), { role: 'manager', venueIds: [portal.site.id] });
    agent = request.agent(portal.app);
    const login = await agent.get('/admin/login').expect(200);
    await agent.post('/admin/login').type('form').send({ _csrf: csrfOf(login.text), username: 'max', password: ownerPassword }).expect(303);
    csrf = csrfOf((await agent.get(`/admin/venues/${portal.site.id}/settings`).expect(200)).text);
    png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff0000' } }).png().toBuffer();
  });
  after(() => portal.close());

  it('gets 404, with nothing changed, on every admin route of another venue, and on another venue\'s router through their own', async () => {
    const routes = adminRoutesOf(adminRoutes(portal.ctx).stack as unknown as Layer[]);
    const venueRoutes = routes.filter(([, path]) => path.startsWith('/venues/:venueId/'));
    assert.ok(venueRoutes.length >= 15, `the walk found ${venueRoutes.length} venue routes`);
    for (const page of ['dashboard', 'dashboard.csv', 'settings', 'settings/logo', 'settings/remove-logo', 'terms', 'terms/preview', 'routers', 'routers/:id', 'routers/:id/settings', 'routers/:id/upload-page', 'routers/:id/rename', 'routers/:id/remove', 'preview']) {
      assert.ok(venueRoutes.some(([, path]) => path === `/venues/:venueId/${page}`), `the walk includes ${page}`);
    }
    const before = await venueState(portal.store, cafeB);
    const form = { _csrf: csrf, confirm: 'yes', name: 'Taken over', venue_name: 'Taken over', terms_en: 'Mine now.', language: 'en', id: 'new-router', type: 'wifidog' };
    const targets = venueRoutes.flatMap(([method, path]) => [
      [method, path.replace(':venueId', String(cafeB.id)).replace(':id', 'b-router')],
      ...(path.includes(':id') ? [[method, path.replace(':venueId', String(portal.site.id)).replace(':id', 'b-router')]] : []),
    ]);
    for (const [method, path] of targets) {
      const url = `/admin${path}`;
      const answer = path.endsWith('/settings/logo')
        ? await agent.post(url).field('_csrf', csrf).attach('logo', png, { filename: 'logo.png', contentType: 'image/png' })
        : method === 'GET' ? await agent.get(url) : await agent.post(url).type('form').send(form);
      assert.equal(answer.status, 404, `${method} ${url}`);
      assert.doesNotMatch(answer.text, /Secret Bistro|cafe-b|b-router/, `${method} ${url} tells nothing of venue B`);
    }
    assert.deepEqual(await venueState(portal.store, cafeB), before);
    assert.equal((await portal.store.getSite(cafeB.id))!.logoSha256, null);
  });

  it('answers a venue id that does not exist, or is no id, as it answers another venue\'s', async () => {
    for (const id of ['999', '0', 'abc', '1e3', String(cafeB.id)]) {
      assert.equal((await agent.get(`/admin/venues/${id}/dashboard`)).status, 404, id);
    }
  });

  it('gets 404 for the operators\' pages, and sees only their own venue in the list and its pages under the old addresses', async () => {
    const routes = adminRoutesOf(adminRoutes(portal.ctx).stack as unknown as Layer[]);
    const operatorRoutes = routes.filter(([, path]) => /^\/(?:people|overview)/.test(path));
    assert.ok(operatorRoutes.length >= 7);
    const olga = (await portal.store.findAdminUser('olga'))!;
    for (const [method, path] of operatorRoutes) {
      const url = `/admin${path.replace(':id', String(olga.id))}`;
      const answer = method === 'GET' ? await agent.get(url) : await agent.post(url).type('form').send({ _csrf: csrf, confirm: 'yes', role: 'manager', venue: String(cafeB.id), username: 'mallory', password: 'long enough password' });
      assert.equal(answer.status, 404, `${method} ${url}`);
    }
    await agent.post('/admin/venues').type('form').send({ _csrf: csrf, name: 'Mine', slug: 'mine' }).expect(404);
    assert.equal(await portal.store.findSiteBySlug('mine'), undefined);
    assert.equal(await portal.store.findAdminUser('mallory'), undefined);
    assert.equal((await portal.store.getAdminUser(olga.id))!.role, 'operator');
    const list = await agent.get('/admin/venues').expect(200);
    assert.match(list.text, /Café Test/);
    assert.doesNotMatch(list.text, /Secret Bistro/);
    assert.doesNotMatch(list.text, /Add a venue/);
    await agent.get('/admin/').expect(303).expect('Location', `/admin/venues/${portal.site.id}/dashboard`);
    await agent.get('/admin/routers/a-router?x=1').expect(303).expect('Location', `/admin/venues/${portal.site.id}/routers/a-router?x=1`);
    const dashboard = await agent.get(`/admin/venues/${portal.site.id}/dashboard`).expect(200);
    assert.doesNotMatch(dashboard.text, /Secret Bistro|People/);
  });
});
