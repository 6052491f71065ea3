import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pfsense } from '../app/gateways/pfsense';
import { listeningPortal, runCli } from './helpers';
import { captureLog } from './log-capture';
import { TestBrowser } from './sim/browser';
import { startPfSense } from './sim/pfsense';

const mac = '02:1a:2b:3c:4d:5e';
const metricsToken = 'audit-metrics-token-5f3a9c';

/** Every spelling of the MAC that would identify the device. */
const macSpellings = [mac, mac.toUpperCase(), mac.replace(/:/g, '-'), mac.replace(/:/g, '-').toUpperCase(), mac.replace(/:/g, ''), encodeURIComponent(mac), encodeURIComponent(mac.toUpperCase())];

describe('log audit: a whole guest flow, refusals and data-subject commands leave no secrets in the log', () => {
  let portal: Awaited<ReturnType<typeof listeningPortal>>;
  let router: Awaited<ReturnType<typeof startPfSense>>;
  before(async () => {
    portal = await listeningPortal({ METRICS_TOKEN: metricsToken });
    const gateway = await portal.store.addGateway({ id: 'cafe', siteId: portal.site.id, type: 'pfsense', name: 'Café', settings: {} }, portal.clock());
    router = await startPfSense({ portalPage: pfsense.uploadPage!(gateway, portal.site, portal.config), zone: 'guest', clientMac: mac, clientIp: '10.99.0.2' });
  });
  after(async () => {
    await router.close();
    await portal.close();
  });

  it('logs what happened with masked MACs, and never a state token, a secret or a bearer token', async () => {
    const states: string[] = [];
    const { lines } = await captureLog(async () => {
      const browser = new TestBrowser();
      const hosts = new Set([new URL(portal.url).host, new URL(router.url).host]);
      const captured = await browser.open(`${router.url}news?x=1`);
      const terms = await browser.submit(captured, 'form#portico', null, hosts);
      states.push(terms.document.querySelector('input[name=state]')!.getAttribute('value')!);
      await browser.submit(terms, 'form.accept', terms.document.querySelector('form.accept button'), hosts);

      // Refusals: a replayed page with a forged signature, a bad MAC, an unknown gateway, a wrong metrics token.
      const [payload] = states[0].split('.');
      await fetch(new URL('accept', portal.url), { method: 'POST', body: new URLSearchParams({ state: `${payload}.AAAA`, accept: 'Accept' }) });
      await fetch(new URL(`pfsense/cafe?zone=guest&portal_action=http://10.0.0.1/index.php&client_ip=10.0.0.2&client_mac=${mac.replace(/:/g, '-')}x`, portal.url));
      await fetch(new URL(`pfsense/${mac}?zone=guest`, portal.url));
      await fetch(new URL(`pfsense/${encodeURIComponent(mac.toUpperCase())}/x`, portal.url));
      await fetch(new URL('metrics', portal.url), { headers: { authorization: `Bearer ${metricsToken}x` } });
      await fetch(new URL('metrics', portal.url), { headers: { authorization: `Bearer ${metricsToken}` } });

      // The owner's data-subject commands and a backup, on the same data folder.
      const cli = { dataDir: portal.dataDir, publicUrl: portal.url, now: portal.clock };
      for (const argv of [['guest', 'export', mac], ['guest', 'forget', mac.toUpperCase()], ['purge'], ['backup', path.join(portal.dataDir, 'audit-copy.db')]]) {
        assert.equal((await runCli(argv, cli)).code, 0, argv.join(' '));
      }
    });

    // The flow was logged …
    assert.match(lines, /info acceptance recorded .*mac=02:1a:2b:xx:xx:xx/);
    assert.match(lines, /info guest data exported mac=02:1a:2b:xx:xx:xx/);
    assert.match(lines, /info guest data forgotten mac=02:1a:2b:xx:xx:xx/);
    assert.match(lines, /warn request refused .*status=401/);
    // … without anything that identifies the device or opens a door.
    for (const spelling of macSpellings) assert.equal(lines.includes(spelling), false, `full MAC ${spelling} in the log:\n${lines}`);
    const secret = fs.readFileSync(path.join(portal.dataDir, 'secret.key'), 'utf8').trim();
    const [payload, signature] = states[0].split('.');
    for (const [what, text] of [['state payload', payload.slice(0, 40)], ['state signature', signature], ['installation secret', secret], ['metrics token', metricsToken]]) {
      assert.equal(lines.includes(text), false, `${what} in the log`);
    }
  });
});
