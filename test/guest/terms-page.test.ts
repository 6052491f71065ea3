import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { parse } from 'node-html-parser';
import request from 'supertest';
import { contrastRatio, textColourOn } from '../../app/guest/stylesheets';
import { chooseLanguage, messages } from '../../app/guest/messages';
import { languages } from '../../app/languages';
import { lastAcceptance, testPortal, type TestPortal } from '../helpers';
import { termsTexts } from '../../app/content-digests';

/** A GET whose body stays as sent (supertest would decompress it). */
async function raw(app: TestPortal['app'], path: string, headers: Record<string, string>) {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
  } finally {
    server.close();
  }
}

describe('guest terms page', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await testPortal();
    await portal.store.addGateway({ id: 'bar', siteId: portal.site.id, type: 'pfsense', name: 'Bar', settings: {} }, portal.clock());
    await portal.store.publishTerms(portal.site.id, termsTexts([
      { language: 'en', body: '# Terms\n\nBe nice.' },
      { language: 'de', body: '# Bedingungen\n\nSeien Sie nett.' },
    ]), portal.clock());
  });
  after(() => portal.close());

  const entry = '/pfsense/bar?zone=guest&portal_action=http%3A%2F%2F10.0.0.1%3A8002%2Findex.php%3Fzone%3Dguest&client_mac=02%3A00%3A00%3A00%3A00%3A01&client_ip=10.0.0.9';

  it('follows Accept-Language, with terms in that language and a correct lang attribute', async () => {
    const res = await request(portal.app).get(entry).set('Accept-Language', 'fr-CH;q=0.4, de-AT, en;q=0.8');
    assert.equal(res.status, 200);
    const doc = parse(res.text);
    assert.equal(doc.querySelector('html')!.getAttribute('lang'), 'de');
    assert.equal(res.headers['content-language'], 'de');
    assert.match(res.text, /Seien Sie nett/);
    assert.equal(doc.querySelector('button')!.text, messages.de.accept);
    assert.equal(doc.querySelector('section.terms')!.getAttribute('lang'), undefined);
  });

  it('falls back to the default-language terms, marked with their own lang, under the guest\'s interface language', async () => {
    const res = await request(portal.app).get(entry).set('Accept-Language', 'it');
    const doc = parse(res.text);
    assert.equal(doc.querySelector('html')!.getAttribute('lang'), 'it');
    assert.equal(doc.querySelector('section.terms')!.getAttribute('lang'), 'en');
    assert.match(res.text, /Be nice/);
    assert.equal(doc.querySelector('button')!.text, messages.it.accept);
  });

  it('has a language switch of plain links that keep the entry query', async () => {
    const res = await request(portal.app).get(`${entry}&lang=nl`).set('Accept-Language', 'de');
    const doc = parse(res.text);
    assert.equal(doc.querySelector('html')!.getAttribute('lang'), 'nl');
    const links = doc.querySelectorAll('nav.languages a');
    assert.equal(links.length, languages.length - 1);
    const french = links.find((link) => link.getAttribute('hreflang') === 'fr')!;
    const target = new URL(french.getAttribute('href')!, `http://portal.test${entry}`);
    assert.equal(target.pathname, '/pfsense/bar');
    assert.equal(target.searchParams.get('lang'), 'fr');
    assert.equal(target.searchParams.getAll('lang').length, 1);
    assert.equal(target.searchParams.get('client_ip'), '10.0.0.9');
    assert.equal(target.searchParams.get('portal_action'), 'http://10.0.0.1:8002/index.php?zone=guest');
    const followed = await request(portal.app).get(target.pathname + target.search);
    assert.equal(parse(followed.text).querySelector('html')!.getAttribute('lang'), 'fr');
  });

  it('records the language shown with the acceptance', async () => {
    const page = parse((await request(portal.app).get(entry).set('Accept-Language', 'de')).text);
    const form: Record<string, string> = { accept: 'Accept' };
    for (const input of page.querySelectorAll('form.accept input')) form[input.getAttribute('name')!] = input.getAttribute('value')!;
    const res = await request(portal.app).post('/accept').type('form').send(form);
    assert.equal(res.status, 307);
    const row = (await lastAcceptance(portal.store))!;
    assert.deepEqual({ language: row.language, terms: row.termsLanguage }, { language: 'de', terms: 'de' });
  });

  it('serves gzip made once per variant with the per-guest state spliced in, identity otherwise', async () => {
    const first = await raw(portal.app, entry, { 'Accept-Encoding': 'gzip' });
    const second = await raw(portal.app, entry.replace('10.0.0.9', '10.0.0.10'), { 'Accept-Encoding': 'gzip' });
    assert.equal(first.headers['content-encoding'], 'gzip');
    assert.equal(first.headers.vary, 'Accept-Encoding');
    assert.equal(first.headers['cache-control'], 'no-store');
    assert.equal(Number(first.headers['content-length']), first.body.length);
    const html1 = zlib.gunzipSync(first.body).toString();
    const html2 = zlib.gunzipSync(second.body).toString();
    const state = (html: string) => /name="state" value="([^"]+)"/.exec(html)![1];
    assert.notEqual(state(html1), state(html2));
    assert.equal(html1.replace(state(html1), ''), html2.replace(state(html2), '').replaceAll('10.0.0.10', '10.0.0.9'));

    const plain = await raw(portal.app, entry, { 'Accept-Encoding': 'identity' });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.headers.vary, 'Accept-Encoding');
    assert.match(plain.body.toString(), /^<!DOCTYPE html>/);
  });

  it('shows a changed venue name at once (the variant follows the settings)', async () => {
    await portal.store.updateSite(portal.site.id, { name: 'Renamed Bar' });
    const res = await request(portal.app).get(entry);
    assert.match(res.text, /<h1>Renamed Bar<\/h1>/);
  });

  it('serves the venue stylesheet precompressed, versioned by content and cached for a year', async () => {
    await portal.store.updateSite(portal.site.id, { accentColor: '#ffd700' });
    const page = parse((await request(portal.app).get(entry)).text);
    const href = page.querySelector('link[rel=stylesheet]')!.getAttribute('href')!;
    assert.match(href, /^\/style\/[0-9a-f]{16}\.css$/);
    const css = await raw(portal.app, href, { 'Accept-Encoding': 'gzip, br' });
    assert.equal(css.headers['content-encoding'], 'gzip');
    assert.equal(css.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(zlib.gunzipSync(css.body).toString(), /--accent:#ffd700;--on-accent:#000000/);
    const again = await request(portal.app).get(href).set('If-None-Match', css.headers.etag!);
    assert.equal(again.status, 304);
    await portal.store.updateSite(portal.site.id, { accentColor: '#1f5f99' });
    const other = parse((await request(portal.app).get(entry)).text).querySelector('link[rel=stylesheet]')!.getAttribute('href');
    assert.notEqual(other, href);
    assert.equal((await request(portal.app).get('/style/0000000000000000.css')).status, 404);
  });

  it('picks a button text colour with WCAG AA contrast for any accent', () => {
    for (const accent of ['#000000', '#ffffff', '#777777', '#1f5f99', '#ffd700', '#e60000', '#00a000', '#767676', '#808080']) {
      assert.ok(contrastRatio(accent, textColourOn(accent)) >= 4.5, accent);
    }
  });

  it('chooses languages: explicit choice, then Accept-Language by quality, then the default', () => {
    assert.equal(chooseLanguage('es', 'de', 'en'), 'es');
    assert.equal(chooseLanguage('xx', 'de;q=0.5, nl;q=0.9', 'en'), 'nl');
    assert.equal(chooseLanguage(undefined, 'ja, zh;q=0.9', 'fr'), 'fr');
    assert.equal(chooseLanguage(['de', 'fr'], 'it', 'en'), 'it');
    assert.equal(chooseLanguage(undefined, 'de;q=0', 'en'), 'en');
  });

  it('has every interface string in every language', () => {
    for (const { code } of languages) {
      for (const key of Object.keys(messages.en) as (keyof typeof messages.en)[]) assert.ok(messages[code][key], `${code}.${key}`);
    }
  });
});
