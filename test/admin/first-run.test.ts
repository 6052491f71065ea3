import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'node-html-parser';
import request from 'supertest';
import { createSetupLink } from '../../app/admin/setup-link';
import { newVenueDefaults } from '../../app/venue-settings';
import { testPortal, type TestPortal } from '../helpers';
import { csrfOf, ownerPassword } from './admin-helpers';

/** The checklist on a page, item by item: its state and link; undefined when the page has none. */
function checklistOf(html: string): { state: string; href: string }[] | undefined {
  const list = parse(html).querySelector('.checklist');
  return list?.querySelectorAll('li').map((item) => ({ state: item.querySelector('.state')!.text, href: item.querySelector('a')!.getAttribute('href')! }));
}

describe('the first-run checklist', () => {
  let portal: TestPortal;
  let agent: ReturnType<typeof request.agent>;
  let csrf: string;
  before(async () => {
    portal = await testPortal();
    // As a new installation is: the name and website it was created with.
    await portal.store.updateSite(portal.site.id, newVenueDefaults);
  });
  after(() => portal.close());

  const dashboard = async () => checklistOf((await agent.get('/admin/venues/1/dashboard').expect(200)).text);

  it('greets the new account with everything still to do', async () => {
    const token = new URL((await createSetupLink(portal.ctx))!).searchParams.get('token')!;
    agent = request.agent(portal.app);
    const form = await agent.get(`/admin/setup?token=${token}`).expect(200);
    await agent.post('/admin/setup').type('form')
      .send({ _csrf: csrfOf(form.text), token, username: 'owner', password: ownerPassword, password_confirmation: ownerPassword })
      .expect(303).expect('Location', '/admin/');
    const page = await agent.get('/admin/venues/1/dashboard').expect(200);
    csrf = csrfOf(page.text);
    assert.deepEqual(checklistOf(page.text), [
      { state: 'To do:', href: '/admin/venues/1/settings' },
      { state: 'To do:', href: '/admin/venues/1/terms' },
      { state: 'To do:', href: '/admin/venues/1/routers' },
      { state: 'To do:', href: '/admin/venues/1/preview' },
    ]);
  });

  it('ticks off each step as the store shows it done, and goes away when all are', async () => {
    // A name alone is not enough: the website too.
    await agent.post('/admin/venues/1/settings').type('form').send({ _csrf: csrf, venue_name: 'The Anchor' }).expect(303);
    assert.equal((await dashboard())![0].state, 'To do:');
    await agent.post('/admin/venues/1/settings').type('form').send({ _csrf: csrf, website_url: 'https://anchor.example/' }).expect(303);
    assert.equal((await dashboard())![0].state, 'Done:');

    await agent.post('/admin/venues/1/terms').type('form').send({ _csrf: csrf, terms_en: 'Our own terms: be kind.' }).expect(303);
    assert.equal((await dashboard())![1].state, 'Done:');

    await portal.store.addGateway({ id: 'lobby', siteId: portal.site.id, type: 'pfsense', name: 'Lobby', settings: {} }, portal.clock());
    assert.deepEqual((await dashboard())![2], { state: 'Done:', href: '/admin/venues/1/routers/lobby' });

    await agent.get('/admin/venues/1/preview').expect(303).expect('Location', '/preview/1');
    assert.notEqual((await portal.store.getSite(portal.site.id))!.guestPagePreviewedAt, null);
    assert.equal(await dashboard(), undefined, 'no checklist once everything is done');
  });

  it('points the footer\'s preview link through the admin while signed in, and straight to the preview otherwise', async () => {
    assert.match((await agent.get('/admin/venues/1/settings')).text, /<footer class="foot"><a href="\/admin\/venues\/1\/preview">/);
    assert.match((await request(portal.app).get('/admin/login')).text, /<footer class="foot"><a href="\/preview">/);
  });
});
