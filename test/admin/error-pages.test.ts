import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { createSetupLink } from '../../app/admin/setup-link';
import { runCli, tempDir, testPortal, type TestPortal } from '../helpers';
import { csrfOf, signedInAgent, signedInPortal } from './admin-helpers';

const menu = /<nav aria-label="Admin pages">/;

describe('admin error pages: signed in, the menu and a way back', () => {
  const admin = signedInPortal();

  it('answers an unknown admin address with a 404 in the admin layout, back to the start of the admin', async () => {
    const page = await admin.agent.get('/admin/no-such-page').expect(404);
    assert.match(page.text, menu);
    assert.match(page.text, /There is no admin page at this address\./);
    assert.match(page.text, /<a class="back" href="\/admin\/">Back to the admin<\/a>/);
    assert.equal(page.headers['cache-control'], 'no-store');
  });

  it('answers an expired form with the menu and a way back to the page it came from', async () => {
    const settings = await admin.agent.post('/admin/venues/1/settings').type('form').send({ _csrf: 'forged', venue_name: 'x' }).expect(403);
    assert.match(settings.text, menu);
    assert.match(settings.text, /<h1>Form expired<\/h1>/);
    assert.match(settings.text, /<a class="back" href="\/admin\/venues\/1\/settings">Back to the settings<\/a>/);
    assert.match(settings.text, /aria-current="page">Settings/);
    const terms = await admin.agent.post('/admin/venues/1/terms').type('form').send({ _csrf: 'forged' }).expect(403);
    assert.match(terms.text, /<a class="back" href="\/admin\/venues\/1\/terms">Back to the terms<\/a>/);
  });

  it('answers an unknown router with the menu and a way back to the routers', async () => {
    const page = await admin.agent.get('/admin/venues/1/routers/nowhere').expect(404);
    assert.match(page.text, menu);
    assert.match(page.text, /<a class="back" href="\/admin\/venues\/1\/routers">Back to the routers<\/a>/);
  });

  it('answers a form too large to read with a way back', async () => {
    const page = await admin.agent.post('/admin/venues/1/terms').type('form').send(`_csrf=${admin.csrf}&body=${'x'.repeat(3 * 1024 * 1024)}`);
    assert.equal(page.status, 413);
    assert.match(page.text, /The request is too large\./);
    assert.match(page.text, /<a class="back" href="\/admin\/venues\/1\/terms">Back to the terms<\/a>/);
    assert.match(page.text, menu);
  });
});

describe('admin error pages: a setup link that no longer works', () => {
  let portal: TestPortal;
  before(async () => { portal = await testPortal(); });
  after(() => portal.close());

  it('says how to get a new link while no account exists, with the way to the sign-in page', async () => {
    await createSetupLink(portal.ctx);
    for (const path of [`/admin/setup?token=${'A'.repeat(43)}`, '/admin/setup?token=cut-short', '/admin/setup']) {
      const agent = request.agent(portal.app);
      let page = await agent.get(path);
      if (path.endsWith('A'.repeat(43))) {
        // A made-up token of the right shape shows the form; the token is checked when the form is sent.
        assert.equal(page.status, 200);
        page = await agent.post('/admin/setup').type('form').send({
          _csrf: csrfOf(page.text), token: 'A'.repeat(43), username: 'owner', password: 'long enough password', password_confirmation: 'long enough password',
        });
      }
      assert.equal(page.status, 410, path);
      assert.match(page.text, /<h1>Setup link out of date<\/h1>/, path);
      assert.match(page.text, /Get a new link by running npx portico admin setup-link on the server/, path);
      assert.match(page.text, /<a class="back" href="\/admin\/login">Go to the sign-in page<\/a>/, path);
      assert.doesNotMatch(page.text, menu, path);
    }
  });

  it('says to sign in once the account exists', async () => {
    const link = await createSetupLink(portal.ctx);
    await signedInAgent(portal);
    const page = await request(portal.app).get(new URL(link!).pathname + new URL(link!).search).expect(410);
    assert.match(page.text, /The admin account has been created already: sign in with it\./);
    assert.match(page.text, /<a class="back" href="\/admin\/login">Go to the sign-in page<\/a>/);
  });
});

describe('portico admin setup-link', () => {
  let dataDir: string;
  before(() => { dataDir = tempDir(); });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const portico = (argv: string[], stdin = '') => runCli(argv, { dataDir, publicUrl: 'https://wifi.example/', stdin });

  it('prints a new one-time link while no admin exists, and refuses once one does', async () => {
    assert.equal((await portico(['settings', 'set', 'venue_name', 'The Anchor'])).code, 0);
    const first = await portico(['admin', 'setup-link']);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /^Open this one-time link to create the admin account .*\nhttps:\/\/wifi\.example\/admin\/setup\?token=[A-Za-z0-9_-]{43}\n$/);
    const second = await portico(['admin', 'setup-link']);
    assert.notEqual(second.out, first.out, 'a new link each time');
    assert.equal((await portico(['admin', 'add', 'owner', '--password-stdin'], 'long enough password\n')).code, 0);
    const refused = await portico(['admin', 'setup-link']);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /an admin account exists already: sign in with it/);
  });
});
