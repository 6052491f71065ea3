import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * A phone's captive mini-browser, as near as a test gets: Debian's headless Chromium at phone size,
 * JavaScript off, cookies blocked (the profile's content setting), and a log of every request it makes.
 * Flows for any router use it the same way: launch, goto the router's capture URL, click through.
 */

/** The weight budget: terms page, its CSS and any script, as transferred. */
export const budgetBytes = 10 * 1024;
export const totalBytes = (transfers: Transfer[]) => transfers.reduce((sum, t) => sum + t.bytes, 0);

export interface Transfer {
  method: string;
  url: string;
  host: string;
  status: number | null;
  /** Response headers and body as they came over the wire (body still compressed). */
  bytes: number;
}

export interface GuestBrowser {
  context: BrowserContext;
  page: Page;
  /** A script-enabled context of the same size, for axe-core. */
  checker: BrowserContext;
  /** Every request the pages caused, in order, including redirects and refused ones. */
  transfers: Transfer[];
  /** Waits for the page to load, then returns the transfers from index `from` on. */
  settled(from?: number): Promise<Transfer[]>;
  close(): Promise<void>;
}

const launchArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Debian's headless Chromium as a desktop browser (the admin's), with this machine's flags. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: launchArgs });
}

export async function launchGuestBrowser(options: { width: number; height: number; locale: string; allowedHosts: Set<string> }): Promise<GuestBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-chromium-'));
  fs.mkdirSync(path.join(profile, 'Default'));
  // Content setting 2 = block: the page must work without any cookie, as in the captive mini-browser.
  fs.writeFileSync(path.join(profile, 'Default', 'Preferences'), JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: launchArgs,
    javaScriptEnabled: false,
    viewport: { width: options.width, height: options.height },
    isMobile: true,
    hasTouch: true,
    locale: options.locale,
  });
  // Nothing leaves loopback: a request to any other host is refused (and stays in the log to fail the test).
  await context.route((url) => !options.allowedHosts.has(url.host), (route) => route.abort('blockedbyclient'));
  const transfers: Transfer[] = [];
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(10_000);
  // Chromium's own network log: encodedDataLength is what came over the wire, headers included.
  const network = await context.newCDPSession(page);
  const inFlight = new Map<string, Transfer>();
  network.on('Network.requestWillBeSent', (event) => {
    const earlier = inFlight.get(event.requestId);
    if (earlier && event.redirectResponse) {
      earlier.status = event.redirectResponse.status;
      earlier.bytes = event.redirectResponse.encodedDataLength;
      transfers.push(earlier);
    }
    const url = new URL(event.request.url);
    inFlight.set(event.requestId, { method: event.request.method, url: url.href, host: url.host, status: null, bytes: 0 });
  });
  network.on('Network.responseReceived', (event) => {
    const transfer = inFlight.get(event.requestId);
    if (transfer) transfer.status = event.response.status;
  });
  network.on('Network.loadingFinished', (event) => {
    const transfer = inFlight.get(event.requestId);
    if (!transfer) return;
    transfer.bytes = event.encodedDataLength;
    transfers.push(transfer);
    inFlight.delete(event.requestId);
  });
  network.on('Network.loadingFailed', (event) => {
    const transfer = inFlight.get(event.requestId);
    if (!transfer) return;
    transfers.push(transfer);
    inFlight.delete(event.requestId);
  });
  await network.send('Network.enable');
  const checkerBrowser = await launchChromium();
  const checker = await checkerBrowser.newContext({ viewport: { width: options.width, height: options.height }, locale: options.locale });
  await checker.route((url) => !options.allowedHosts.has(url.host), (route) => route.abort('blockedbyclient'));
  return {
    context, page, checker, transfers,
    async settled(from = 0) {
      await page.waitForLoadState('load');
      return transfers.slice(from);
    },
    async close() {
      await context.close();
      await checkerBrowser.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's WCAG 2.1 A/AA (and best-practice) violations on the guest's current page. axe needs
 * script (and its timers), so it runs on the same URL in a second, script-enabled page of the same
 * size; the guest's own browser stays without script and its request log stays clean.
 */
export async function accessibilityViolations(browser: GuestBrowser): Promise<string[]> {
  const checker = await browser.checker.newPage();
  try {
    await checker.goto(browser.page.url());
    return await runAxe(checker);
  } finally {
    await checker.close();
  }
}

async function runAxe(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; help: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.map((v) => `${v.id}: ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
}

/** Takes the screenshot always (so a broken page fails); writes it for the README only with UPDATE_SCREENSHOTS=1. */
export async function screenshot(page: Page, file: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const image = await page.screenshot({ fullPage: options.fullPage ?? false });
  if (!image.subarray(1, 4).equals(Buffer.from('PNG'))) throw new Error('screenshot is not a PNG');
  if (process.env.UPDATE_SCREENSHOTS === '1') fs.writeFileSync(file, image);
}
