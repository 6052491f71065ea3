import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pfsense } from '../../app/gateways/pfsense';
import { countRows, listeningPortal } from '../helpers';
import { TestBrowser } from '../sim/browser';
import { startPfSense } from '../sim/pfsense';
import { rawDatabase } from '../store/raw';

describe('pfSense guest flow, end to end through a simulated pfSense', () => {
  let portal: Awaited<ReturnType<typeof listeningPortal>>;
  let router: Awaited<ReturnType<typeof startPfSense>>;

  before(async () => {
    portal = await listeningPortal();
    // The page is made after the router exists, as the owner would: add gateway, then upload its page.
    const gateway = await portal.store.addGateway({ id: 'cafe', siteId: portal.site.id, type: 'pfsense', name: 'Café', settings: {} }, portal.clock());
    router = await startPfSense({
      portalPage: pfsense.uploadPage!(gateway, portal.site, portal.config),
      zone: 'Guest',
      clientMac: '02:00:00:00:99:02',
      clientIp: '10.99.0.2',
    });
    await portal.store.updateSite(portal.site.id, { websiteUrl: 'https://cafe.example/menu?from=wifi&x=1' });
  });
  after(async () => {
    await router.close();
    await portal.close();
  });

  for (const withScript of [true, false]) {
    it(`takes a guest from capture to the venue website (${withScript ? 'script submits the forwarding form' : 'guest taps the fallback button'})`, async () => {
      const before = countRows(portal.store, 'acceptances');
      const browser = new TestBrowser();
      const testHosts = new Set([new URL(portal.url).host, new URL(router.url).host]);

      // Captured: any HTTP request gets pfSense's portal page, with a query that has & and ? in it.
      const captured = await browser.open(`${router.url}some/page?x=1&y=two`);
      assert.equal(captured.status, 200);
      const forward = captured.document.querySelector('form#portico')!;
      // The inline script does form.submit() (no button); without script the guest taps the button.
      const terms = await browser.submit(captured, 'form#portico', withScript ? null : forward.querySelector('button'), testHosts);
      assert.equal(terms.status, 200, terms.html);
      assert.match(terms.html, /Café Test/);
      assert.match(terms.html, /Terms of use/);
      assert.match(terms.headers.get('content-security-policy') ?? '', new RegExp(`form-action 'self' ${router.url.slice(0, -1)}`));

      const button = terms.document.querySelector('form.accept button');
      const end = await browser.submit(terms, 'form.accept', button, testHosts);

      // The acceptance is written, with the current terms version and the addresses pfSense reported.
      assert.equal(countRows(portal.store, 'acceptances'), before + 1);
      const row = rawDatabase(portal.store).prepare('SELECT * FROM acceptances ORDER BY id DESC LIMIT 1').get() as Record<string, unknown>;
      const current = await portal.store.currentTerms(portal.site.id);
      assert.equal(row.terms_version_id, current!.id);
      assert.equal(row.client_mac, '02:00:00:00:99:02');
      assert.equal(row.client_ip, '10.99.0.2');
      assert.equal(row.gateway_id, 'cafe');
      assert.match(String(row.user_agent), /iPhone/);
      assert.equal(row.handoff, `pfsense ${router.url.slice(0, -1)}`);

      // The browser itself POSTed the login to pfSense (307 keeps method and body) …
      const login = router.logins.at(-1)!;
      assert.equal(login.accept, 'Accept');
      assert.equal(login.zone, 'guest');
      assert.equal(login.redirurl, `${portal.url}online/${portal.site.id}`);
      const post = browser.hops.find((hop) => hop.url.startsWith(`${router.url}index.php`))!;
      assert.equal(post.method, 'POST');
      // … and pfSense sent the guest on to Portico's "You're online" page, which links to the venue website.
      assert.equal(end.url, `${portal.url}online/${portal.site.id}`);
      assert.equal(end.status, 200);
      assert.equal(end.document.querySelector('a.button')?.getAttribute('href'), 'https://cafe.example/menu?from=wifi&x=1');
    });
  }
});
