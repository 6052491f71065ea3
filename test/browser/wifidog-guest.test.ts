import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { countRows, listeningPortal } from '../helpers';
import { startWifiDog } from '../sim/wifidog';
import { accessibilityViolations, budgetBytes, launchGuestBrowser, totalBytes } from './guest-browser';
import { rawDatabase } from '../store/raw';

describe('WiFiDog guest flow in headless Chromium: no script, no cookies, phone-sized', () => {
  let portal: Awaited<ReturnType<typeof listeningPortal>>;
  let router: Awaited<ReturnType<typeof startWifiDog>>;
  let hosts: Set<string>;

  before(async () => {
    portal = await listeningPortal();
    await portal.store.addGateway({ id: 'testgw1', siteId: portal.site.id, type: 'wifidog', name: 'Bar', settings: { checkIntervalSeconds: 60 } }, portal.clock());
    router = await startWifiDog({ gatewayId: 'testgw1', authServer: portal.url, clientIp: '10.99.0.2', clientMac: '02:00:00:00:99:02' });
    hosts = new Set([new URL(portal.url).host, new URL(router.url).host]);
  });
  after(async () => {
    await router.close();
    await portal.close();
  });

  it('captures, shows the terms in the phone\'s language, accepts, passes the gateway and ends online', { timeout: 60_000 }, async (t) => {
    const browser = await launchGuestBrowser({ width: 360, height: 740, locale: 'fr-FR', allowedHosts: hosts });
    try {
      const { page } = browser;
      // Captured: the gateway answers any request with a 302 to Portico's login/.
      await page.goto(`${router.url}some/page?x=1&y=two`);
      await page.waitForURL(/\/wifidog\/login\/\?gw_address=/);
      const termsLoad = await browser.settled();
      assert.equal(await page.getAttribute('html', 'lang'), 'fr');
      assert.ok(totalBytes(termsLoad) <= budgetBytes, `terms page + CSS = ${totalBytes(termsLoad)} bytes > ${budgetBytes}`);
      assert.deepEqual(await accessibilityViolations(browser), []);

      const before = countRows(portal.store, 'acceptances');
      await page.getByRole('button', { name: 'Accepter et se connecter' }).click();
      // Accept → the gateway's /wifidog/auth?token= → it asks Portico stage=login → portal/.
      await page.waitForURL(/\/wifidog\/portal\/\?gw_id=testgw1/);
      assert.equal(countRows(portal.store, 'acceptances'), before + 1);
      const session = rawDatabase(portal.store).prepare('SELECT started_at, client_mac FROM guest_sessions ORDER BY id DESC LIMIT 1').get() as Record<string, unknown>;
      assert.ok(session.started_at, 'the gateway confirmed the login');
      assert.equal(session.client_mac, '02:00:00:00:99:02');
      assert.equal(await page.getAttribute('html', 'lang'), 'fr');
      assert.equal(await page.getByRole('link', { name: /cafe|Café|Visit/i }).getAttribute('href'), 'https://cafe.example/');
      assert.deepEqual(await accessibilityViolations(browser), []);

      const all = await browser.settled();
      assert.deepEqual(all.filter((transfer) => !hosts.has(transfer.host)), [], 'no request to any other host');
      assert.deepEqual(await browser.context.cookies(), []);
      t.diagnostic(`${all.length} requests, ${totalBytes(all)} bytes; terms page + CSS ${totalBytes(termsLoad)} bytes`);
    } finally {
      await browser.close();
    }
  });
});
