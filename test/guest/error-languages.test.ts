import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { languages } from '../../app/languages';
import { listeningPortal } from '../helpers';

type Portal = Awaited<ReturnType<typeof listeningPortal>>;

/** An error page's language, title and message, as the guest's phone shows them. */
async function errorPage(response: Response) {
  const html = await response.text();
  return {
    status: response.status,
    lang: /<html lang="([a-z]+)">/.exec(html)?.[1],
    title: /<h1>([^<]*)<\/h1>/.exec(html)?.[1],
    message: /<p class="lead">([^<]*)<\/p>/.exec(html)?.[1],
  };
}

describe('guests\' error pages speak the guest\'s language', () => {
  let portal: Portal;
  before(async () => { portal = await listeningPortal(); });
  after(() => portal.close());

  const expiredAccept = (headers: Record<string, string>, query = '') => fetch(`${portal.url}accept${query}`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: 'state=forged.state&accept=1',
  });

  it('an expired page in each of the six languages, by the phone\'s Accept-Language', async () => {
    const seen = new Map<string, string>();
    for (const { code } of languages) {
      const page = await errorPage(await expiredAccept({ 'Accept-Language': `${code}-XX,${code};q=0.9,en;q=0.1` }));
      assert.equal(page.status, 400);
      assert.equal(page.lang, code);
      seen.set(code, `${page.title} ${page.message}`);
    }
    assert.equal(seen.get('en'), 'Page expired This page has expired. Open any website to see the Wi-Fi terms again.');
    assert.equal(seen.get('de'), 'Seite abgelaufen Diese Seite ist abgelaufen. Öffnen Sie eine beliebige Website, um die WLAN-Bedingungen erneut zu sehen.');
    assert.equal(new Set(seen.values()).size, 6, 'six different texts');
  });

  it('the language switch\'s choice wins, and a language Portico does not speak gets English', async () => {
    assert.equal((await errorPage(await expiredAccept({ 'Accept-Language': 'de' }, '?lang=fr'))).lang, 'fr');
    const polish = await errorPage(await expiredAccept({ 'Accept-Language': 'pl-PL,pl;q=0.9' }));
    assert.deepEqual([polish.lang, polish.title], ['en', 'Page expired']);
  });

  it('a router page not set up right and an unknown network, in German', async () => {
    await portal.store.addGateway({ id: 'lobby', siteId: portal.site.id, type: 'pfsense', name: 'Lobby', settings: {} }, portal.clock());
    const german = { 'Accept-Language': 'de-DE' };
    const placeholders = await errorPage(await fetch(`${portal.url}pfsense/lobby?zone=$PORTAL_ZONE$&portal_action=$PORTAL_ACTION$&client_mac=$CLIENT_MAC$&client_ip=$CLIENT_IP$&redirurl=$PORTAL_REDIRURL$`, { headers: german }));
    assert.deepEqual(placeholders, { status: 400, lang: 'de', title: 'WLAN noch nicht bereit',
      message: 'Die WLAN-Anmeldeseite ist auf dem Router nicht richtig eingerichtet. Bitte sagen Sie es dem Personal.' });
    const unknown = await errorPage(await fetch(`${portal.url}pfsense/nowhere?zone=guests&portal_action=http%3A%2F%2F192.168.1.1%3A8002%2Findex.php%3Fzone%3Dguests&client_mac=02:00:00:00:00:01&client_ip=192.168.1.20`, { headers: german }));
    assert.deepEqual([unknown.status, unknown.title], [404, 'Unbekanntes Netzwerk']);
  });

  it('a refusal made of the request\'s own words is the general one for a German guest, and exact in English', async () => {
    const noState = (language: string) => fetch(`${portal.url}accept`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept-Language': language }, body: 'accept=1' });
    assert.deepEqual(await errorPage(await noState('de')), { status: 400, lang: 'de', title: 'Etwas stimmt nicht',
      message: 'Die Anfrage konnte nicht gelesen werden. Öffnen Sie eine beliebige Website, um es erneut zu versuchen.' });
    assert.equal((await errorPage(await noState('en'))).message, 'The request is missing &#34;state&#34;.');
  });

  it('an unknown guest address on the fallback stack too', async () => {
    const page = await errorPage(await fetch(`${portal.url}no-such-page`, { headers: { 'Accept-Language': 'nl' } }));
    assert.deepEqual(page, { status: 404, lang: 'nl', title: 'Niet gevonden', message: 'Op dit adres is geen pagina.' });
  });

  it('the router\'s own messages to the guest (WiFiDog gw_message.php), in Italian', async () => {
    const page = await errorPage(await fetch(`${portal.url}wifidog/gw_message.php?message=denied`, { headers: { 'Accept-Language': 'it' } }));
    assert.deepEqual([page.status, page.lang, page.title], [200, 'it', 'Non connesso']);
  });
});
