import assert from 'node:assert/strict';
import { messages } from '../../app/guest/messages';
import { describe, it } from 'node:test';
import request from 'supertest';
import { countRows } from '../helpers';
import { signedInPortal } from './admin-helpers';

describe('admin terms editor', () => {
  const admin = signedInPortal();

  it('shows the current text and the releases with their hash and acceptance count', async () => {
    const page = await admin.agent.get('/admin/venues/1/terms').expect(200);
    assert.match(page.text, /placeholder terms/);
    const [current] = await admin.portal.store.listTerms(admin.portal.site.id);
    assert.match(page.text, new RegExp(current.sha256));
    assert.match(page.text, /<td class="number">0<\/td>/);
    for (const language of ['English', 'Deutsch', 'Français', 'Español', 'Italiano', 'Nederlands']) assert.match(page.text, new RegExp(language));
  });

  it('previews a draft as the guest page without storing anything', async () => {
    const releases = countRows(admin.portal.store, 'terms_versions');
    const preview = await admin.agent.post('/admin/venues/1/terms/preview').type('form')
      .send({ _csrf: admin.csrf, language: 'de', terms_en: 'English draft', terms_de: '# Nutzungsbedingungen\n\nEntwurf <b>fett</b>' }).expect(200);
    assert.match(preview.text, /<h2>Nutzungsbedingungen<\/h2>/);
    assert.match(preview.text, /Entwurf &lt;b&gt;fett&lt;\/b&gt;/);
    assert.ok(preview.text.includes(messages.de.draftNotice), 'the draft notice, in the previewed language');
    // Nothing to accept before publishing: the button is off, so no click ends on a "missing state" error.
    assert.match(preview.text, /<button type="submit" name="accept" value="Accept" disabled>/);
    assert.match(preview.text, /<html lang="de">/);
    assert.equal(preview.headers['cache-control'], 'no-store');
    assert.equal(countRows(admin.portal.store, 'terms_versions'), releases);
    const empty = await admin.agent.post('/admin/venues/1/terms/preview').type('form').send({ _csrf: admin.csrf, language: 'fr', terms_en: 'x' });
    assert.equal(empty.status, 400);
    await admin.agent.post('/admin/venues/1/terms/preview').type('form').send({ _csrf: admin.csrf, language: 'xx' }).expect(400);
  });

  it('publishes a new release that the guest page shows, keeping the old one', async () => {
    const before = await request(admin.portal.app).get('/preview').expect(200);
    assert.doesNotMatch(before.text, /Be kind to the barista/);
    const response = await admin.agent.post('/admin/venues/1/terms').type('form').send({
      _csrf: admin.csrf, terms_en: '# House rules\r\n\r\nBe kind to the barista.', terms_de: 'Seien Sie nett.', terms_fr: '  ',
    });
    assert.equal(response.status, 303, response.text);
    assert.equal(response.headers.location, '/admin/venues/1/terms?published=2');

    const versions = await admin.portal.store.listTerms(admin.portal.site.id);
    assert.deepEqual(versions.map((v) => [v.release, v.language]), [[2, 'de'], [2, 'en'], [1, 'en']]);
    assert.equal(versions[1].body, '# House rules\n\nBe kind to the barista.');

    const after = await request(admin.portal.app).get('/preview').expect(200);
    assert.match(after.text, /Be kind to the barista/);
    const page = await admin.agent.get('/admin/venues/1/terms?published=2').expect(200);
    assert.match(page.text, /Release 2 is published/);
    assert.match(page.text, new RegExp(versions[0].sha256));
  });

  it('publishes nothing when the texts are the current release unchanged, and says so', async () => {
    const versions = await admin.portal.store.listTerms(admin.portal.site.id);
    const newest = Math.max(...versions.map((version) => version.release));
    const releases = countRows(admin.portal.store, 'terms_versions');
    const form: Record<string, string> = { _csrf: admin.csrf };
    for (const version of versions) if (version.release === newest) form[`terms_${version.language}`] = version.body;
    const response = await admin.agent.post('/admin/venues/1/terms').type('form').send(form).expect(200);
    assert.match(response.text, /These are the current terms, unchanged: nothing was published\./);
    assert.equal(countRows(admin.portal.store, 'terms_versions'), releases);
  });

  it('requires the default language and shows the error in the form', async () => {
    const releases = countRows(admin.portal.store, 'terms_versions');
    const response = await admin.agent.post('/admin/venues/1/terms').type('form').send({ _csrf: admin.csrf, terms_en: '', terms_de: 'Nur Deutsch' });
    assert.equal(response.status, 400);
    assert.match(response.text, /The English text is empty/);
    assert.match(response.text, /Nur Deutsch/, 'the draft is kept');
    assert.equal(countRows(admin.portal.store, 'terms_versions'), releases);
  });

  it('takes terms longer than the guest pages\' 16 kB body limit', async () => {
    const long = 'A fair use clause. '.repeat(2000);
    const response = await admin.agent.post('/admin/venues/1/terms').type('form').send({ _csrf: admin.csrf, terms_en: long });
    assert.equal(response.status, 303);
    const tooLong = await admin.agent.post('/admin/venues/1/terms').type('form').send({ _csrf: admin.csrf, terms_en: 'x'.repeat(100_001) });
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.text, /longer than 100,000 characters/);
  });
});
