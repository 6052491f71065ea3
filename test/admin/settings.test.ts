import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import request from 'supertest';
import { signedInPortal } from './admin-helpers';

const valid = {
  venue_name: 'The Anchor', website_url: 'https://anchor.example/', timezone: 'Europe/London', session_minutes: '120',
  remember_days: '7', default_language: 'en', accent_color: '#AA3300',
};

describe('admin settings', () => {
  const admin = signedInPortal();

  it('shows the current settings', async () => {
    const page = await admin.agent.get('/admin/venues/1/settings').expect(200);
    assert.match(page.text, /value="Café Test"/);
    assert.match(page.text, /value="https:\/\/cafe.example\/"/);
    assert.match(page.text, /aria-current="page">Settings/);
  });

  it('saves valid settings', async () => {
    await admin.agent.post('/admin/venues/1/settings').type('form').send({ _csrf: admin.csrf, ...valid })
      .expect(303).expect('Location', '/admin/venues/1/settings?saved');
    const site = (await admin.portal.store.getSite(admin.portal.site.id))!;
    assert.deepEqual(
      { name: site.name, websiteUrl: site.websiteUrl, timezone: site.timezone, sessionMinutes: site.sessionMinutes, rememberDays: site.rememberDays, accentColor: site.accentColor },
      { name: 'The Anchor', websiteUrl: 'https://anchor.example/', timezone: 'Europe/London', sessionMinutes: 120, rememberDays: 7, accentColor: '#aa3300' });
    assert.match((await admin.agent.get('/admin/venues/1/settings?saved')).text, /Settings saved/);
  });

  const invalid: [string, string, RegExp][] = [
    ['timezone', 'London', /&#34;London&#34; is not a time zone: give the region and the city it is named after, such as Europe\/London or America\/New_York\./],
    ['timezone', 'Mars/Olympus', /&#34;Mars\/Olympus&#34; is not a time zone/],
    ['website_url', 'javascript:alert(1)', /The website must be an address starting with http:\/\/ or https:\/\/, without a user name or password in it\./],
    ['website_url', 'not a url', /The website must be a full address such as https:\/\/example.com\/; &#34;not a url&#34; is not one\./],
    ['session_minutes', 'abc', /The session length must be a whole number of minutes from 1 to 10080\./],
    ['remember_days', '400', /How long a device is remembered must be a whole number of days from 0 to 365\./],
    ['venue_name', '   ', /The venue name must be 1 to 100 characters long\./],
    ['accent_color', 'red', /The accent colour must be written as # and six hexadecimal digits, such as #1f5f99\./],
    ['default_language', 'xx', /The default language must be one of the languages the guest page speaks: en, de, fr, es, it, nl; &#34;xx&#34; is not one of them\./],
  ];
  for (const [field, value, message] of invalid) {
    it(`refuses ${field}="${value}" with a form error and changes nothing`, async () => {
      const before = await admin.portal.store.getSite(admin.portal.site.id);
      const response = await admin.agent.post('/admin/venues/1/settings').type('form').send({ _csrf: admin.csrf, ...valid, venue_name: 'Changed', [field]: value });
      assert.equal(response.status, 400);
      assert.match(response.text, message);
      assert.match(response.text, /Please correct the marked fields/);
      assert.deepEqual(await admin.portal.store.getSite(admin.portal.site.id), before);
    });
  }

  it('offers the current IANA names to choose from, not the old ones', async () => {
    const page = await admin.agent.get('/admin/venues/1/settings').expect(200);
    const offered = [...page.text.matchAll(/<option value="([^"]+)">/g)].map((match) => match[1]);
    for (const current of ['Europe/Kyiv', 'Asia/Kolkata', 'Asia/Ho_Chi_Minh', 'America/Nuuk', 'UTC', 'Europe/London']) assert.ok(offered.includes(current), current);
    for (const old of ['Europe/Kiev', 'Asia/Calcutta', 'Asia/Saigon', 'America/Godthab']) assert.ok(!offered.includes(old), old);
    assert.match(page.text, /<input id="timezone" name="timezone" list="time-zones"/);
  });

  it('accepts an old zone name and stores, and shows, the current one', async () => {
    await admin.agent.post('/admin/venues/1/settings').type('form').send({ _csrf: admin.csrf, ...valid, timezone: 'Europe/Kiev' }).expect(303);
    assert.equal((await admin.portal.store.getSite(admin.portal.site.id))!.timezone, 'Europe/Kyiv');
    // A venue that stored the old name before: shown by the current one, and saved as that.
    await admin.portal.store.updateSite(admin.portal.site.id, { timezone: 'Asia/Calcutta' });
    assert.match((await admin.agent.get('/admin/venues/1/settings')).text, /name="timezone" list="time-zones" value="Asia\/Kolkata"/);
    await admin.agent.post('/admin/venues/1/settings').type('form').send({ _csrf: admin.csrf, ...valid, timezone: 'asia/kolkata' }).expect(303);
    assert.equal((await admin.portal.store.getSite(admin.portal.site.id))!.timezone, 'Asia/Kolkata');
  });

  it('refuses a field given twice', async () => {
    const response = await admin.agent.post('/admin/venues/1/settings').type('form').send(`_csrf=${admin.csrf}&venue_name=a&venue_name=b`);
    assert.equal(response.status, 400);
  });
});

describe('admin logo', () => {
  const admin = signedInPortal();

  const picture = (width: number, height: number, background: string) =>
    sharp({ create: { width, height, channels: 3, background } }).png().toBuffer();

  async function upload(file: Buffer, csrf = admin.csrf) {
    return admin.agent.post('/admin/venues/1/settings/logo').field('_csrf', csrf).attach('logo', file, { filename: 'logo.png', contentType: 'image/png' });
  }

  it('resizes an uploaded picture, serves it with long caching, and shows it on the guest page', async () => {
    const response = await upload(await picture(1800, 900, '#336699'));
    assert.equal(response.status, 303, response.text);
    const site = (await admin.portal.store.getSite(admin.portal.site.id))!;
    assert.match(site.logoSha256 ?? '', /^[0-9a-f]{64}$/);

    const logo = await request(admin.portal.app).get(`/logo/${site.logoSha256}.png`).buffer(true).expect(200);
    assert.equal(logo.headers['content-type'], 'image/png');
    assert.equal(logo.headers['cache-control'], 'public, max-age=31536000, immutable');
    const size = await sharp(logo.body as Buffer).metadata();
    assert.equal(size.format, 'png');
    assert.deepEqual([size.width, size.height], [400, 200]);

    const guest = await request(admin.portal.app).get('/preview').expect(200);
    assert.match(guest.text, new RegExp(`<img class="venue-logo" src="/logo/${site.logoSha256}.png"`));
    assert.match((await admin.agent.get('/admin/venues/1/settings')).text, new RegExp(`logo/${site.logoSha256}.png`));
  });

  it('gives a new logo a new URL and drops the old one', async () => {
    const old = (await admin.portal.store.getSite(admin.portal.site.id))!.logoSha256;
    assert.equal((await upload(await picture(100, 50, '#ff0000'))).status, 303);
    const site = (await admin.portal.store.getSite(admin.portal.site.id))!;
    assert.notEqual(site.logoSha256, old);
    const small = await request(admin.portal.app).get(`/logo/${site.logoSha256}.png`).buffer(true).expect(200);
    assert.deepEqual([(await sharp(small.body as Buffer).metadata()).width], [100], 'small pictures are not enlarged');
    await request(admin.portal.app).get(`/logo/${old}.png`).expect(404);
    await request(admin.portal.app).get('/logo/../secret.key').expect(404);
  });

  it('refuses a file that is not a picture, an empty form, and a form without the CSRF token', async () => {
    const before = (await admin.portal.store.getSite(admin.portal.site.id))!.logoSha256;
    const text = await upload(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'));
    assert.equal(text.status, 400);
    assert.match(text.text, /must be a PNG, JPEG, WebP or GIF/);
    const garbage = await upload(Buffer.from('not an image at all'));
    assert.equal(garbage.status, 400);
    const empty = await admin.agent.post('/admin/venues/1/settings/logo').field('_csrf', admin.csrf);
    assert.equal(empty.status, 400);
    assert.match(empty.text, /Choose a picture/);
    const forged = await upload(await picture(10, 10, '#000000'), 'forged');
    assert.equal(forged.status, 403);
    assert.equal((await admin.portal.store.getSite(admin.portal.site.id))!.logoSha256, before);
  });

  it('shows the settings form, with its menu, for a picture over 5 MB', async () => {
    const before = (await admin.portal.store.getSite(admin.portal.site.id))!.logoSha256;
    const response = await upload(Buffer.alloc(5 * 1024 * 1024 + 1));
    assert.equal(response.status, 413);
    assert.match(response.text, /<h1>Settings<\/h1>/);
    assert.match(response.text, /aria-current="page">Settings/);
    assert.match(response.text, /<p class="field-error" id="logo-error">This picture is larger than 5 MB: choose a smaller file/);
    assert.match(response.text, /name="venue_name"/);
    assert.equal((await admin.portal.store.getSite(admin.portal.site.id))!.logoSha256, before);
  });

  it('removes the logo: the guest page shows none and its address answers 404', async () => {
    const { logoSha256 } = (await admin.portal.store.getSite(admin.portal.site.id))!;
    assert.ok(logoSha256);
    const settings = await admin.agent.get('/admin/venues/1/settings').expect(200);
    assert.match(settings.text, /action="\/admin\/venues\/1\/settings\/remove-logo"[\s\S]*Remove logo/);
    await admin.agent.post('/admin/venues/1/settings/remove-logo').type('form').send({ _csrf: 'forged' }).expect(403);
    assert.equal((await admin.portal.store.getSite(admin.portal.site.id))!.logoSha256, logoSha256);

    await admin.agent.post('/admin/venues/1/settings/remove-logo').type('form').send({ _csrf: admin.csrf })
      .expect(303).expect('Location', '/admin/venues/1/settings?logo-removed');
    assert.equal((await admin.portal.store.getSite(admin.portal.site.id))!.logoSha256, null);
    await request(admin.portal.app).get(`/logo/${logoSha256}.png`).expect(404);
    const guest = await request(admin.portal.app).get('/preview').expect(200);
    assert.doesNotMatch(guest.text, /venue-logo/);
    const after = await admin.agent.get('/admin/venues/1/settings?logo-removed').expect(200);
    assert.match(after.text, /Logo removed/);
    assert.doesNotMatch(after.text, /Remove logo/);
  });
});
