import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { tempDir, testPortal, type TestPortal } from '../helpers';
import { rawDatabase } from '../store/raw';
import { daemonUnavailable, OpenNdsRig, rigAddresses } from '../sim/opennds-daemon';

/*
 * The real openNDS (Debian's 9.10, unmodified) captures a headless-Chromium phone (script off, cookies
 * blocked) in network namespaces, and Portico, as its FAS on the host, gets it online: at level 1 through
 * the browser's auth URL, at level 3 through authmon, whose session length (the venue's, 1 minute) the
 * daemon enforces. Skipped where the daemon cannot run (not root, packages missing: .ci/run installs them).
 */

const unavailable = daemonUnavailable();
const fasKey = 'PorticoRigKey0123456789';
const internetPort = 80;

interface Phone {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

async function launchPhone(rig: OpenNdsRig): Promise<Phone> {
  const profile = fs.mkdtempSync(path.join(rig.run, 'chromium-'));
  fs.mkdirSync(path.join(profile, 'Default'));
  fs.writeFileSync(path.join(profile, 'Default', 'Preferences'), JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: rig.chromiumInGuest(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    javaScriptEnabled: false, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-GB',
    // Level 3's Portico has a throw-away certificate that only the router's PHP is told to trust.
    ignoreHTTPSErrors: true,
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page, close: () => context.close() };
}

/** A plain web server on the host's port 80: what the phone reaches once online. */
function internet(): Promise<http.Server> {
  const server = http.createServer((_req, res) => res.end('INTERNET OK'));
  return new Promise((resolve, reject) => server.once('error', reject).listen(internetPort, rigAddresses.host, () => resolve(server)));
}

function closeServer(server: http.Server | https.Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms: number, rig: OpenNdsRig): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; openNDS log:\n${rig.log().slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

describe('the real openNDS 9.10 with Portico as its FAS', { skip: unavailable ?? false, timeout: 240_000 }, () => {
  let rig: OpenNdsRig;
  let net: http.Server | undefined;
  before(async () => {
    rig = new OpenNdsRig(String(process.pid % 10000));
    try {
      rig.network();
      net = await internet();
    } catch (error) {
      await rig.stop();
      throw error;
    }
  });
  after(async () => {
    await closeServer(net);
    await rig.stop();
  });

  it('level 1: captures the phone, shows the terms, and the phone is online after Accept', { timeout: 90_000 }, async () => {
    let portal: TestPortal | undefined;
    let server: http.Server | undefined;
    let phone: Phone | undefined;
    try {
      const port = 18401;
      portal = await testPortal({ PUBLIC_URL: `http://${rigAddresses.host}:${port}/`, DATA_DIR: tempDir() });
      await portal.store.addGateway({ id: 'rig1', siteId: portal.site.id, type: 'opennds', name: 'Rig', settings: { fasKey, level: 1 } }, portal.clock());
      server = http.createServer(portal.app);
      await new Promise<void>((resolve) => server!.listen(port, rigAddresses.host, resolve));
      await rig.start({ gatewayName: 'rig1', fasKey, level: 1, fasPort: port, fasPath: '/opennds/rig1/', sessionTimeout: 5 });

      assert.notEqual(rig.fromPhone(`http://${rigAddresses.host}/`).body, 'INTERNET OK');
      phone = await launchPhone(rig);
      await phone.page.goto(`http://${rigAddresses.host}/anything?x=1`);
      assert.match(phone.page.url(), new RegExp(`^http://10\\.94\\.0\\.1:${port}/opennds/rig1/\\?fas=`));
      await phone.page.getByRole('button', { name: /accept/i }).click();
      await phone.page.waitForURL(`http://${rigAddresses.host}:${port}/online/${portal.site.id}`);
      assert.match(await phone.page.content(), /Café Test/);
      await phone.page.goto(`http://${rigAddresses.host}/`);
      assert.match(await phone.page.content(), /INTERNET OK/);
      const listed = JSON.parse(await rig.ndsctl('json', rigAddresses.phone)) as { state: string; mac: string };
      assert.deepEqual([listed.state, listed.mac], ['Authenticated', rigAddresses.phoneMac]);

      let exported;
      for await (const row of portal.store.exportAcceptances({})) exported = row;
      assert.deepEqual([exported?.clientMac, exported?.clientIp, exported?.routerUnauthenticated], [rigAddresses.phoneMac, rigAddresses.phone, true]);
    } finally {
      await phone?.close();
      await rig.stopDaemon();
      await closeServer(server);
      await portal?.close();
    }
  });

  it('level 3: authmon takes the authorisation, the waiting page turns to online, the venue\'s 1-minute session ends on time and its data reaches Portico', { timeout: 150_000 }, async () => {
    let portal: TestPortal | undefined;
    let server: https.Server | undefined;
    let phone: Phone | undefined;
    try {
      const port = 18402;
      const key = path.join(rig.run, 'fas.key');
      const cert = path.join(rig.run, 'fas.pem');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
        '-subj', `/CN=${rigAddresses.host}`, '-addext', `subjectAltName=IP:${rigAddresses.host}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
      portal = await testPortal({ PUBLIC_URL: `https://${rigAddresses.host}:${port}/`, DATA_DIR: tempDir() });
      await portal.store.updateSite(portal.site.id, { sessionMinutes: 1 });
      await portal.store.addGateway({ id: 'rig3', siteId: portal.site.id, type: 'opennds', name: 'Rig', settings: { fasKey, level: 3 } }, portal.clock());
      // The test portal's clock is fixed; the daemon's is real.
      portal.clock.set(Date.now());
      const ticking = setInterval(() => portal!.clock.set(Date.now()), 200);
      try {
        server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, portal.app);
        await new Promise<void>((resolve) => server!.listen(port, rigAddresses.host, resolve));
        await rig.start({ gatewayName: 'rig3', fasKey, level: 3, fasPort: port, fasPath: '/opennds/rig3/', sessionTimeout: 5, caPem: fs.readFileSync(cert, 'utf8') });
        // An authorisation queued before authmon's first clear would be wiped by it.
        await waitFor('authmon\'s first poll', async () => (await portal!.store.getGateway('rig3'))?.lastContactAt, 20_000, rig);

        phone = await launchPhone(rig);
        await phone.page.goto(`http://${rigAddresses.host}/level3`);
        assert.match(phone.page.url(), new RegExp(`^https://10\\.94\\.0\\.1:${port}/opennds/rig3/\\?fas=[A-Za-z0-9=]+&iv=[0-9a-f]{16}$`));
        await phone.page.getByRole('button', { name: /accept/i }).click();
        assert.match(phone.page.url(), /\/opennds\/rig3\/\?wait=[0-9a-f]{64}$/);
        // The meta refresh reloads the page (no script) until authmon has authorised the phone.
        await phone.page.getByRole('heading', { name: /online/i }).waitFor({ timeout: 30_000 });
        await phone.page.goto(`http://${rigAddresses.host}/`);
        assert.match(await phone.page.content(), /INTERNET OK/);
        const listed = JSON.parse(await rig.ndsctl('json', rigAddresses.phone)) as { state: string; session_start: string; session_end: string };
        assert.equal(listed.state, 'Authenticated');
        assert.equal(Number(listed.session_end) - Number(listed.session_start), 60);
        const [session] = await portal.store.liveGuestSessions('rig3');
        assert.deepEqual([session?.clientMac, session?.clientIp], [rigAddresses.phoneMac, rigAddresses.phone]);

        // openNDS ends it at session_end (checked every 5 s) and binauth_log.sh reports the deauth to Portico.
        const sessionKey = (rawDatabase(portal.store).prepare('SELECT session_key FROM guest_sessions WHERE id = ?').get(session.id) as { session_key: string }).session_key;
        const ended = await waitFor('the deauthed report', async () => {
          const found = await portal!.store.findGuestSession('rig3', sessionKey);
          return found?.endedAt === null ? undefined : found;
        }, 90_000, rig);
        assert.equal(ended.endReason, 'session_length');
        assert.ok(ended.bytesIn > 0 && ended.bytesOut > 0, `bytes ${ended.bytesIn}/${ended.bytesOut}`);
        const seconds = (ended.endedAt! - ended.startedAt!) / 1000;
        assert.ok(seconds >= 55 && seconds <= 75, `session lasted ${seconds} s`);
        // Captured again: the next request goes to the FAS (a 307), not to the internet.
        const again = await waitFor('the capture after the session', () => {
          const answer = rig.fromPhone(`http://${rigAddresses.host}/`);
          return answer.status === 307 ? answer : undefined;
        }, 10_000, rig);
        assert.match(again.location, /\/opennds\/rig3\/\?fas=/);
      } finally {
        clearInterval(ticking);
      }
    } finally {
      await phone?.close();
      await rig.stopDaemon();
      await closeServer(server);
      await portal?.close();
    }
  });
});

