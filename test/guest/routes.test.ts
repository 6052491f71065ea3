import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { termsToHtml } from '../../app/guest/terms-page';
import { countRows, testPortal, type TestPortal } from '../helpers';
import { termsTexts } from '../../app/content-digests';

describe('guest pages', () => {
  let portal: TestPortal;
  before(async () => { portal = await testPortal(); });
  after(() => portal.close());

  it('previews the guest page without a router, and accepting there records nothing', async () => {
    const page = await request(portal.app).get('/preview').expect(200);
    assert.match(page.text, /Preview: this is what guests see/);
    assert.match(page.text, /<h1>Café Test<\/h1>/);
    const state = /name="state" value="([^"]+)"/.exec(page.text)![1];
    const online = await request(portal.app).post('/accept').type('form').send({ state, accept: 'Accept' }).expect(200);
    assert.match(online.text, /You&#39;re online/);
    assert.match(online.text, /href="https:\/\/cafe.example\/"/);
    assert.equal(countRows(portal.store, 'acceptances'), 0);
  });

  it('shows the newest terms release', async () => {
    await portal.store.publishTerms(portal.site.id, termsTexts([{ language: 'en', body: 'Release two <b>rules</b>' }]), portal.clock());
    const page = await request(portal.app).get('/preview').expect(200);
    assert.match(page.text, /Release two &lt;b&gt;rules&lt;\/b&gt;/);
  });

  it('sends / to the preview and unknown paths to a 404 page', async () => {
    await request(portal.app).get('/').expect(302).expect('location', 'preview');
    const missing = await request(portal.app).get('/nowhere').expect(404);
    assert.match(missing.text, /There is no page at this address/);
  });

  it('sends no upgrade-insecure-requests and no HSTS over plain HTTP', async () => {
    const res = await request(portal.app).get('/preview');
    assert.doesNotMatch(res.headers['content-security-policy'], /upgrade-insecure-requests/);
    assert.doesNotMatch(res.headers['content-security-policy'], /unsafe-inline/);
    assert.match(res.headers['content-security-policy'], /script-src 'self'/);
    assert.equal(res.headers['strict-transport-security'], undefined);
  });

  it('sends both when served over HTTPS', async () => {
    const secure = await testPortal({ PUBLIC_URL: 'https://portal.example/' });
    const res = await request(secure.app).get('/preview');
    assert.match(res.headers['content-security-policy'], /upgrade-insecure-requests/);
    assert.match(res.headers['strict-transport-security'], /max-age=/);
    await secure.close();
  });
});

describe('terms formatting', () => {
  it('makes paragraphs, headings and lists, and escapes everything else', () => {
    assert.equal(termsToHtml('# Rules\n\nBe <nice>.\nReally.\n\n- one\n- two & three'),
      '<h2>Rules</h2>\n<p>Be &lt;nice&gt;.<br>Really.</p>\n<ul><li>one</li><li>two &amp; three</li></ul>');
  });
});
