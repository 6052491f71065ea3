import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { hashPassword } from '../../app/admin/passwords';
import { createSetupLink } from '../../app/admin/setup-link';
import { countRows, testPortal, type TestPortal } from '../helpers';
import { csrfOf, ownerPassword } from './admin-helpers';

describe('no admin state for strangers', () => {
  let portal: TestPortal;
  let setupToken: string;
  before(async () => {
    portal = await testPortal();
    setupToken = new URL((await createSetupLink(portal.ctx))!).searchParams.get('token')!;
  });
  after(() => portal.close());

  it('keeps no session row for 200 cookie-less GETs of the sign-in page, nor for the other anonymous admin pages', async () => {
    for (let i = 0; i < 200; i++) await request(portal.app).get('/admin/login').expect(200);
    const others = ['/admin', '/admin/', '/admin/venues/1/dashboard', '/admin/venues/1/settings', '/admin/venues/1/terms', '/admin/venues/1/routers', '/admin/venues/1/routers/x',
      `/admin/setup?token=${setupToken}`, `/admin/setup?token=${'A'.repeat(43)}`, '/admin/setup', '/admin/no-such-page'];
    for (const path of others) {
      for (let i = 0; i < 20; i++) {
        const response = await request(portal.app).get(path);
        assert.ok(response.status < 500, path);
        assert.equal((response.headers['set-cookie'] as unknown as string[] | undefined)?.some((c) => c.startsWith('portico_admin=')) ?? false, false, path);
      }
    }
    // A refused sign-in keeps nothing either.
    const agent = request.agent(portal.app);
    const csrf = csrfOf((await agent.get('/admin/login')).text);
    await agent.post('/admin/login').type('form').send({ _csrf: csrf, username: 'nobody', password: 'wrong password' }).expect(401);
    assert.equal(countRows(portal.store, 'admin_sessions'), 0);
  });
});

describe('the sign-in form\'s stateless CSRF token', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await testPortal();
    await portal.store.addAdminUser('owner', await hashPassword(ownerPassword), portal.clock());
  });
  after(() => portal.close());

  /** A browser that has loaded the sign-in page: its agent and the form's token. */
  async function browser() {
    const agent = request.agent(portal.app);
    return { agent, csrf: csrfOf((await agent.get('/admin/login').expect(200)).text) };
  }

  it('signs in with the form\'s token, and keeps a session row only then', async () => {
    const { agent, csrf } = await browser();
    assert.equal(countRows(portal.store, 'admin_sessions'), 0);
    await agent.post('/admin/login').type('form').send({ _csrf: csrf, username: 'owner', password: ownerPassword }).expect(303);
    assert.equal(countRows(portal.store, 'admin_sessions'), 1);
    await agent.get('/admin/venues/1/settings').expect(200);
  });

  const refused: [string, () => Promise<{ agent: ReturnType<typeof request.agent>; csrf: string | undefined }>][] = [
    ['a missing token', async () => ({ ...(await browser()), csrf: undefined })],
    ['an empty token', async () => ({ ...(await browser()), csrf: '' })],
    ['a forged signature', async () => {
      const { agent, csrf } = await browser();
      const [expiry, signature] = csrf.split('.');
      return { agent, csrf: `${expiry}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}` };
    }],
    ['a later expiry with the old signature', async () => {
      const { agent, csrf } = await browser();
      const [expiry, signature] = csrf.split('.');
      return { agent, csrf: `${Number(expiry) + 86_400_000}.${signature}` };
    }],
    ['an expired token', async () => {
      const page = await browser();
      portal.clock.advance(3 * 60 * 60_000);
      return page;
    }],
    ['the token of another browser', async () => ({ agent: (await browser()).agent, csrf: (await browser()).csrf })],
    ['a token without its cookie', async () => ({ agent: request.agent(portal.app), csrf: (await browser()).csrf })],
    ['a made-up random token', async () => ({ ...(await browser()), csrf: 'x'.repeat(43) })],
    ['a token with no dot', async () => ({ ...(await browser()), csrf: 'garbage' })],
  ];
  for (const [name, make] of refused) {
    it(`refuses ${name} with a 403 page and signs nobody in`, async () => {
      const { agent, csrf } = await make();
      const before = countRows(portal.store, 'admin_sessions');
      const response = await agent.post('/admin/login').type('form')
        .send({ ...(csrf === undefined ? {} : { _csrf: csrf }), username: 'owner', password: ownerPassword });
      assert.equal(response.status, 403);
      assert.match(response.text, /This form has expired or did not come from Portico/);
      assert.equal(countRows(portal.store, 'admin_sessions'), before);
      await agent.get('/admin/venues/1/settings').expect(303).expect('Location', '/admin/login');
    });
  }

  it('refuses a cookie that was tampered with', async () => {
    const { csrf } = await browser();
    await request(portal.app).post('/admin/login').set('Cookie', 'portico_form=' + 'B'.repeat(22)).type('form')
      .send({ _csrf: csrf, username: 'owner', password: ownerPassword }).expect(403);
  });
});
