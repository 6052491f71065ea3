import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { createSetupLink } from '../../app/admin/setup-link';
import { launchChromium, screenshot } from '../browser/guest-browser';
import { projectRoot } from '../../app/paths';
import { choosePeriod, venueStatistics, venueToday } from '../../app/statistics';
import { reportIntervalOf } from '../../app/gateways';
import { seedDemoData } from '../../bench/seed';
import { listeningPortal } from '../helpers';

const screenshots = path.join(projectRoot, 'docs', 'screenshots');

/** A plain two-colour mark standing in for a venue's logo. */
function demoLogo(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="300">
    <rect width="900" height="300" rx="40" fill="#12355b"/><circle cx="150" cy="150" r="95" fill="#f2a541"/>
    <rect x="300" y="110" width="520" height="80" rx="20" fill="#f2a541"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe('the owner in a real browser (headless Chromium)', { timeout: 60_000 }, () => {
  let portal: Awaited<ReturnType<typeof listeningPortal>>;
  let browser: Browser;
  before(async () => {
    portal = await listeningPortal();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await portal.close();
  });

  it('sets up the admin from the setup link, signs in, sees the figures, publishes terms and sees the guest page change', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const outside: string[] = [];
    page.on('request', (request) => { if (!request.url().startsWith(portal.url)) outside.push(request.url()); });
    const errors: string[] = [];
    page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
    page.on('response', (response) => { if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`); });

    // A year of a venue's guests, so that the dashboard has something to show.
    await seedDemoData(portal.store, portal.config, { acceptances: 4000, endAt: portal.clock(), days: 120 });

    // First run: the link from the log creates the account and signs the owner in.
    const link = await createSetupLink(portal.ctx);
    await page.goto(link!);
    await page.fill('#username', 'owner');
    await page.fill('#password', 'a long enough password');
    await page.fill('#password_confirmation', 'a long enough password');
    await page.click('button:has-text("Create the account")');
    // It lands on the dashboard, with the first-run checklist, each step with its page: the demo data has
    // the venue's name, its terms and routers, but the owner has not looked at the guest page yet.
    assert.equal(new URL(page.url()).pathname, '/admin/venues/1/dashboard');
    assert.deepEqual(await page.$$eval('.checklist .state', (states) => states.map((state) => state.textContent)), ['Done:', 'Done:', 'Done:', 'To do:']);
    await page.click('.checklist a:has-text("Settings")');
    assert.equal(new URL(page.url()).pathname, '/admin/venues/1/settings');
    // The time zone is typed into a list of the current names.
    const zones = await page.$eval('#timezone', (input) => [...(input as HTMLInputElement).list!.options].map((option) => option.value));
    assert.ok(zones.includes('Europe/Kyiv') && !zones.includes('Europe/Kiev'));

    // Settings, with a logo, as the README screenshot shows them.
    await page.fill('#venue_name', 'The Anchor');
    await page.fill('#website_url', 'https://theanchor.example/');
    await page.fill('#timezone', 'Europe/London');
    await page.click('button:has-text("Save settings")');
    assert.match(await page.textContent('.notice') ?? '', /Settings saved/);
    await page.setInputFiles('#logo', { name: 'anchor.png', mimeType: 'image/png', buffer: await demoLogo() });
    await page.click('button:has-text("Upload logo")');
    assert.match(await page.textContent('.notice') ?? '', /Logo saved/);
    assert.equal(await page.$eval('img.logo-preview', (img) => (img as HTMLImageElement).naturalWidth), 600);
    await screenshot(page, path.join(screenshots, 'admin-settings.png'), { fullPage: true });

    // Sign out, then sign in again; the admin home is the dashboard.
    await page.click('button:has-text("Sign out owner")');
    assert.equal(new URL(page.url()).pathname, '/admin/login');
    await page.goto(`${portal.url}admin/venues/1/settings`);
    assert.equal(new URL(page.url()).pathname, '/admin/login', 'signed out');
    await page.fill('#username', 'owner');
    await page.fill('#password', 'a long enough password');
    await page.click('button:has-text("Sign in")');
    assert.equal(new URL(page.url()).pathname, '/admin/venues/1/dashboard');
    // The dashboard shows the same figures as the store computes for the last 7 venue days.
    const site = (await portal.store.getDefaultSite())!;
    const expected = await venueStatistics(portal.store, site, choosePeriod('7d', undefined, undefined, () => venueToday(site, portal.clock())), null, portal.clock(), () => reportIntervalOf);
    const cards = Object.fromEntries(await page.$$eval('.cards .card', (cards) => cards.map((card) =>
      [card.querySelector('dt')!.textContent!.trim(), card.querySelector('dd')!.textContent!.trim()])));
    const digits = (text: string) => Number(text.replace(/[^0-9]/g, ''));
    assert.ok(expected.acceptances > 0);
    assert.equal(digits(cards['Acceptances']), expected.acceptances, JSON.stringify(cards));
    assert.equal(digits(cards['Unique devices']), expected.uniqueDevices, JSON.stringify(cards));
    assert.equal(await page.locator('svg').count() >= 2, true, 'the day chart and the heat map are drawn');
    await screenshot(page, path.join(screenshots, 'admin-dashboard.png'), { fullPage: true });

    // Publish new terms, then the guest page shows them.
    await page.goto(`${portal.url}admin/venues/1/terms`);
    await page.fill('#terms_en', '# House rules\n\nWelcome aboard The Anchor. Please be kind to the crew.\n\n- No illegal use\n- Fair use: no large downloads at peak times');
    await page.fill('#terms_de', '# Hausregeln\n\nWillkommen an Bord.');
    await page.click('button:has-text("Publish a new release")');
    assert.match(await page.textContent('.notice') ?? '', /Release \d+ is published/);
    await screenshot(page, path.join(screenshots, 'admin-terms.png'), { fullPage: true });

    await page.goto(`${portal.url}preview`);
    assert.match(await page.textContent('.terms') ?? '', /Please be kind to the crew/);
    assert.equal(await page.$eval('img.venue-logo', (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0), true);

    assert.deepEqual(outside, [], 'nothing is loaded from another host');
    assert.deepEqual(errors, [], 'no script or CSP errors');
    await page.close();
  });
  it('shows each router\'s setup as numbered steps on a 360 px phone, with buttons that copy the values', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: portal.url });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
    await page.goto(`${portal.url}admin/login`);
    await page.fill('#username', 'owner');
    await page.fill('#password', 'a long enough password');
    await page.click('button:has-text("Sign in")');
    const routers = await portal.store.listGateways();
    assert.deepEqual([...new Set(routers.map((router) => router.type))].sort(), ['pfsense', 'wifidog'], 'both kinds of router are looked at');
    for (const router of routers) {
      await page.goto(`${portal.url}admin/venues/1/routers/${encodeURIComponent(router.id)}`);
      assert.ok(await page.locator('ol.setup-steps > li').count() >= 8, router.id);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `${router.id}: the page is ${width} px wide at 360`);
      // The longest value (a URL or the router's id) is the one most worth copying and the likeliest to overflow.
      const button = page.locator('button.copy').filter({ visible: true }).last();
      const value = await button.getAttribute('data-copy');
      await button.click();
      await page.locator('button.copy:has-text("Copied")').waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), value);
    }
    await screenshot(page, path.join(screenshots, 'admin-router-phone.png'), { fullPage: true });
    assert.deepEqual(errors, []);
    await context.close();
  });
});
