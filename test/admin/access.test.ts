import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { hashPassword } from '../../app/admin/passwords';
import { testPortal, type TestPortal } from '../helpers';
import { csrfOf, ownerPassword, signedInAgent } from './admin-helpers';

const pages = ['/admin', '/admin/', '/admin/venues/1/dashboard', '/admin/venues/1/settings', '/admin/venues/1/terms', '/admin/venues/1/routers', '/admin/venues/1/routers/lobby',
  '/admin/venues/1/routers/lobby/upload-page'];
const changes = ['/admin/venues/1/settings', '/admin/venues/1/settings/logo', '/admin/venues/1/terms', '/admin/venues/1/terms/preview', '/admin/venues/1/routers',
  '/admin/venues/1/routers/lobby/rename', '/admin/venues/1/routers/lobby/remove'];

describe('admin access', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await testPortal();
    await portal.store.addGateway({ id: 'lobby', siteId: portal.site.id, type: 'pfsense', name: 'Lobby', settings: {} }, portal.clock());
  });
  after(() => portal.close());

  for (const path of pages) {
    it(`sends GET ${path} to the sign-in page without a session`, async () => {
      await request(portal.app).get(path).expect(303).expect('Location', '/admin/login');
    });
  }

  for (const path of changes) {
    it(`refuses POST ${path} without a session`, async () => {
      // With a session that has a CSRF token but nobody signed in, too.
      const agent = request.agent(portal.app);
      const csrf = csrfOf((await agent.get('/admin/login')).text);
      const response = await agent.post(path).type('form').send({ _csrf: csrf, name: 'x', confirm: 'yes', terms_en: 'x' });
      assert.equal(response.status, 403);
      await request(portal.app).post(path).type('form').send({ name: 'x' }).expect(403);
    });
  }

  for (const path of changes) {
    it(`refuses POST ${path} from a signed-in admin without the CSRF token`, async () => {
      const { agent } = await signedInAgent(portal);
      await agent.post(path).type('form').send({ name: 'x', confirm: 'yes', terms_en: 'x' }).expect(403);
      await agent.post(path).type('form').send({ _csrf: 'not-the-token', name: 'x', confirm: 'yes', terms_en: 'x' }).expect(403);
      assert.equal((await portal.store.getGateway('lobby'))?.name, 'Lobby');
    });
  }

  it('refuses a sign-in form without its CSRF token', async () => {
    if (!await portal.store.findAdminUser('owner')) await portal.store.addAdminUser('owner', await hashPassword(ownerPassword), portal.clock());
    await request(portal.app).post('/admin/login').type('form').send({ username: 'owner', password: ownerPassword }).expect(403);
  });

  it('redirects /admin/ to the dashboard once signed in, and exposes the user to pages', async () => {
    const { agent } = await signedInAgent(portal);
    await agent.get('/admin/').expect(303).expect('Location', '/admin/venues/1/dashboard');
    const page = await agent.get('/admin/venues/1/terms').expect(200);
    assert.match(page.text, /Sign out owner/);
    assert.match(page.text, /href="\/admin\/venues\/1\/dashboard"/);
  });

  it('sets an httpOnly, SameSite=Lax session cookie scoped to /admin at sign-in, and none before', async () => {
    // Before signing in there is only the sign-in form's cookie (no session: see csrf.test.ts).
    const agent = request.agent(portal.app);
    const login = await agent.get('/admin/login').expect(200);
    assert.deepEqual((login.headers['set-cookie'] as unknown as string[]).map((cookie) => cookie.split('=')[0]), ['portico_form']);
    const signIn = await agent.post('/admin/login').type('form').send({ _csrf: csrfOf(login.text), username: 'owner', password: ownerPassword }).expect(303);
    const cookie = (signIn.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('portico_admin='));
    assert.ok(cookie);
    assert.match(cookie, /Path=\/admin/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.doesNotMatch(cookie, /Secure/);
  });

  it('gives guest and router paths no session cookie', async () => {
    for (const path of ['/preview', '/pfsense/lobby', '/guest.css', '/logo/' + '0'.repeat(64) + '.png']) {
      const response = await request(portal.app).get(path);
      assert.equal(response.headers['set-cookie'], undefined, path);
    }
  });

  it('ends the session at sign-out', async () => {
    const { agent, csrf } = await signedInAgent(portal);
    await agent.post('/admin/logout').type('form').send({ _csrf: csrf }).expect(303).expect('Location', '/admin/login');
    await agent.get('/admin/venues/1/settings').expect(303).expect('Location', '/admin/login');
  });

  it('signs out other sessions when the password changes', async () => {
    const { agent } = await signedInAgent(portal);
    portal.clock.advance(1000);
    const user = (await portal.store.findAdminUser('owner'))!;
    await portal.store.setAdminPassword(user.id, user.passwordHash, portal.clock());
    await agent.get('/admin/venues/1/settings').expect(303).expect('Location', '/admin/login');
  });
});

describe('admin cookie over HTTPS', () => {
  it('is Secure when PUBLIC_URL is https behind a trusted proxy', async () => {
    const portal = await testPortal({ PUBLIC_URL: 'https://portal.test/', TRUST_PROXY: 'true' });
    try {
      const login = await request(portal.app).get('/admin/login').set('X-Forwarded-Proto', 'https').expect(200);
      assert.match(login.headers['set-cookie'][0], /; Secure/);
    } finally {
      await portal.close();
    }
  });
});
