import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '../../app/admin/passwords';
import { launchChromium } from '../browser/guest-browser';
import { listeningPortal } from '../helpers';

const operatorPassword = 'operator password 1';
const managerPassword = 'manager password 1';

async function signIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(`${url}admin/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
}

describe('an operator adds a venue and its manager, in a real browser (headless Chromium)', { timeout: 60_000 }, () => {
  let portal: Awaited<ReturnType<typeof listeningPortal>>;
  let browser: Browser;
  before(async () => {
    portal = await listeningPortal();
    await portal.store.addAdminUser('olga', await hashPassword(operatorPassword), portal.clock(), { role: 'operator' });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await portal.close();
  });

  it('creates a second venue and a manager for it, who signs in and sees only that venue', async () => {
    const operator = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    await signIn(operator, portal.url, 'olga', operatorPassword);
    // One venue: the operator lands on its dashboard, with the installation's pages in the menu.
    assert.equal(new URL(operator.url()).pathname, '/admin/venues/1/dashboard');
    await operator.click('nav >> text=Venues');
    await operator.fill('#name', 'Harbour Hotel');
    await operator.fill('#slug', 'harbour');
    await operator.click('button:has-text("Add the venue")');
    // The new venue opens on its settings, with placeholder terms so that its guest page works at once.
    const venueId = /\/admin\/venues\/(\d+)\/settings$/.exec(new URL(operator.url()).pathname)?.[1];
    assert.ok(venueId && venueId !== '1', operator.url());
    assert.equal(await operator.inputValue('#venue_name'), 'Harbour Hotel');
    await operator.fill('#website_url', 'https://harbour.example/');
    await operator.click('button:has-text("Save")');
    await operator.waitForURL(/\?saved$/);

    await operator.click('nav >> text=People');
    await operator.fill('#username', 'hana');
    await operator.fill('#password', managerPassword);
    await operator.check('input[name=role][value=manager]');
    await operator.check('label:has-text("Harbour Hotel") >> input[name=venues]');
    await operator.click('button:has-text("Add the account")');
    assert.match(await operator.textContent('.notice') ?? '', /can sign in now/);
    assert.match(await operator.textContent('table') ?? '', /hana\s*Venue manager\s*Harbour Hotel/);
    await operator.close();

    const manager = await (await browser.newContext()).newPage();
    await signIn(manager, portal.url, 'hana', managerPassword);
    // The manager's only venue is the hotel: they land on its dashboard and see nothing of the café.
    assert.equal(new URL(manager.url()).pathname, `/admin/venues/${venueId}/dashboard`);
    const nav = await manager.textContent('nav') ?? '';
    assert.match(nav, /Harbour Hotel/);
    assert.doesNotMatch(nav, /People|Venues|Café Test/);
    assert.doesNotMatch(await manager.content(), /Café Test/);
    const other = await manager.goto(`${portal.url}admin/venues/1/dashboard`);
    assert.equal(other?.status(), 404);
    assert.doesNotMatch(await manager.content(), /Café Test/);
    const people = await manager.goto(`${portal.url}admin/people`);
    assert.equal(people?.status(), 404);
    // Their guest page preview is the hotel's.
    await manager.goto(`${portal.url}admin/venues/${venueId}/preview`);
    assert.match(await manager.content(), /Harbour Hotel/);
  });
});
