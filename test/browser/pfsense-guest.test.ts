import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pfsense } from '../../app/gateways/pfsense';
import { projectRoot } from '../../app/paths';
import { countRows, lastAcceptance, listeningPortal } from '../helpers';
import { startPfSense } from '../sim/pfsense';
import { accessibilityViolations, budgetBytes, launchGuestBrowser, screenshot, totalBytes } from './guest-browser';
import { termsTexts } from '../../app/content-digests';

describe('pfSense guest flow in headless Chromium: no script, no cookies, phone-sized', () => {
  let portal: Awaited<ReturnType<typeof listeningPortal>>;
  let router: Awaited<ReturnType<typeof startPfSense>>;
  let hosts: Set<string>;

  before(async () => {
    portal = await listeningPortal();
    const gateway = await portal.store.addGateway({ id: 'cafe', siteId: portal.site.id, type: 'pfsense', name: 'Café', settings: {} }, portal.clock());
    router = await startPfSense({ portalPage: pfsense.uploadPage!(gateway, portal.site, portal.config), zone: 'guest', clientMac: '02:00:00:00:99:02', clientIp: '10.99.0.2' });
    await portal.store.publishTerms(portal.site.id, termsTexts([
      { language: 'en', body: `# Fair use\n\n${'Please use the Wi-Fi considerately and lawfully. '.repeat(40)}\n\n- No attacks.\n- No illegal content.` },
      { language: 'de', body: `# Nutzungsbedingungen\n\n${'Bitte nutzen Sie das WLAN rücksichtsvoll und rechtmäßig. '.repeat(40)}\n\n- Keine Angriffe.\n- Keine illegalen Inhalte.` },
    ]), portal.clock());
    await portal.store.updateSite(portal.site.id, { accentColor: '#f5c400' }); // light accent: needs dark button text
    hosts = new Set([new URL(portal.url).host, new URL(router.url).host]);
  });
  after(async () => {
    await router.close();
    await portal.close();
  });

  for (const [width, height] of [[360, 740], [320, 568]]) {
    it(`captures, shows the terms in two languages, accepts and ends online (${width}×${height})`, { timeout: 60_000 }, async (t) => {
      const browser = await launchGuestBrowser({ width, height, locale: 'en-GB', allowedHosts: hosts });
      try {
        const { page } = browser;
        // Captured: pfSense serves the uploaded page; without script the guest taps its button.
        await page.goto(`${router.url}some/page?x=1&y=two`);
        const termsStart = browser.transfers.length;
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.waitForURL(/\/pfsense\/cafe\?/);
        assert.equal(await page.getAttribute('html', 'lang'), 'en');
        const accept = page.getByRole('button', { name: 'Accept and connect' });
        assert.ok(await accept.isVisible());

        const termsLoad = await browser.settled(termsStart);
        assert.ok(termsLoad.some((t) => /\/style\/[0-9a-f]+\.css$/.test(t.url)), 'the stylesheet was loaded');
        assert.ok(totalBytes(termsLoad) <= budgetBytes, `terms page + CSS = ${totalBytes(termsLoad)} bytes > ${budgetBytes}`);
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
        // The accept button is reachable without scrolling through the whole text: the terms box scrolls.
        const box = (await accept.boundingBox())!;
        assert.ok(box.y + box.height <= height * 1.6, `accept button at ${box.y}px`);
        assert.deepEqual(await accessibilityViolations(browser), []);
        if (width === 360) await screenshot(page, path.join(projectRoot, 'docs/screenshots/terms-en.png'));

        // The language switch is a plain link that keeps the router's query.
        await page.getByRole('link', { name: 'Deutsch' }).click();
        await page.waitForURL(/lang=de/);
        assert.equal(await page.getAttribute('html', 'lang'), 'de');
        assert.match(await page.textContent('section.terms') ?? '', /rücksichtsvoll/);
        assert.deepEqual(await accessibilityViolations(browser), []);
        if (width === 360) await screenshot(page, path.join(projectRoot, 'docs/screenshots/terms-de.png'));

        const before = countRows(portal.store, 'acceptances');
        await page.getByRole('button', { name: 'Akzeptieren und verbinden' }).click();
        await page.waitForURL(`${portal.url}online/${portal.site.id}`);
        assert.equal(countRows(portal.store, 'acceptances'), before + 1);
        const row = (await lastAcceptance(portal.store))!;
        assert.deepEqual({ language: row.language, clientIp: row.clientIp }, { language: 'de', clientIp: '10.99.0.2' });
        assert.equal(router.logins.at(-1)!.accept, 'Accept');

        // The online page: the last navigation, with the venue website one tap away (not followed here).
        assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), "You're online");
        assert.equal(await page.getByRole('link', { name: /Visit/ }).getAttribute('href'), 'https://cafe.example/');
        assert.deepEqual(await accessibilityViolations(browser), []);

        const all = await browser.settled();
        assert.deepEqual(all.filter((t) => !hosts.has(t.host)), [], 'no request to any other host');
        assert.deepEqual(await browser.context.cookies(), []);
        // Every request to Portico was answered (no favicon or other stray request fails).
        const portico = all.filter((t) => t.host === new URL(portal.url).host);
        assert.ok(portico.every((t) => t.status !== null && t.status < 400), JSON.stringify(portico));
        t.diagnostic(`${width}px: ${all.length} requests, ${totalBytes(all)} bytes; terms page + CSS ${totalBytes(termsLoad)} bytes`);
      } finally {
        await browser.close();
      }
    });
  }
});
