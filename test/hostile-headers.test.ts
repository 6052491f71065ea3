import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { listeningPortal } from './helpers';
import { pfsenseEntryPath, pfsenseRouterAddress } from './sim/pfsense-guest';

/*
 * Headers and parameters shaped to make a backtracking regular expression work super-linearly: long
 * runs of one character between the delimiters a header parser looks for, ending in something that
 * fails the match. Each must cost a small, bounded amount of CPU, and the server keeps answering.
 */

type Answer = { status: number; body: string };

function send(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request({ host: '127.0.0.1', port, method, path, headers: { connection: 'close', ...headers } }, (response) => {
      let text = '';
      response.setEncoding('latin1').on('data', (chunk: string) => { text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode!, body: text }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Runs of the characters header grammars split on, each followed by text that makes the match fail. */
function pathologicalValues(length: number): string[] {
  const runs = [' ', '\t', '"', ';', '=', ',', 'a', '-', '.', '0', ' ;', '="', '\\"'];
  const values: string[] = [];
  for (const run of runs) {
    const body = run.repeat(Math.floor(length / run.length));
    for (const [head, tail] of [['', '!'], ['charset=', '""x'], ['q=', ' x'], ['x;q=', '('], ['a=', '"'], ['gzip;', '!']]) values.push(`${head}${body}${tail}`);
  }
  return values;
}

describe('hostile header values cost bounded CPU', () => {
  let portal: Awaited<ReturnType<typeof listeningPortal>>;
  let port: number;
  before(async () => {
    portal = await listeningPortal();
    port = Number(new URL(portal.url).port);
    await portal.store.addGateway({ id: 'cafe', siteId: portal.site.id, type: 'pfsense', name: 'Café', settings: { address: pfsenseRouterAddress } }, portal.clock());
  });
  after(() => portal.close());

  it('answers /healthz within 250 ms while the reported charset request is being handled', async () => {
    const attack = send(port, 'POST', '/accept', { 'content-type': `application/x-www-form-urlencoded; charset=${' '.repeat(3000)}""x` }, 'state=x&accept=Accept');
    await new Promise((resolve) => setImmediate(resolve)); // the attack's request is on the wire first
    const started = performance.now();
    const probe = await send(port, 'GET', '/healthz', {});
    const elapsed = performance.now() - started;
    assert.equal(probe.status, 200);
    assert.ok(elapsed < 250, `/healthz took ${Math.round(elapsed)} ms during the attack`);
    const refused = await attack;
    assert.ok(refused.status >= 400 && refused.status < 500, `the attack got ${refused.status}`);
  });

  /** Where each parsed header or parameter is read, and how a request carries the hostile value there. */
  const targets: { name: string; request: (value: string) => [string, string, Record<string, string>, string?] }[] = [
    { name: 'content-type on /accept', request: (v) => ['POST', '/accept', { 'content-type': `application/x-www-form-urlencoded; ${v}` }, 'state=x'] },
    { name: 'content-type on the admin sign-in', request: (v) => ['POST', '/admin/login', { 'content-type': `application/x-www-form-urlencoded; ${v}` }, 'username=a&password=b'] },
    { name: 'accept-language', request: (v) => ['GET', '/preview', { 'accept-language': v }] },
    { name: 'accept-encoding', request: (v) => ['GET', '/preview', { 'accept-encoding': v }] },
    { name: 'accept', request: (v) => ['GET', '/api/captive-portal', { accept: v }] },
    { name: 'user-agent on a terms page', request: (v) => ['GET', pfsenseEntryPath('cafe', { mac: '02:00:00:00:99:02', ip: '192.168.1.50' }), { 'user-agent': v }] },
    { name: 'cookie', request: (v) => ['GET', '/admin/login', { cookie: `portico.sid=${v}; ${v}` }] },
    { name: 'authorization on /metrics', request: (v) => ['GET', '/metrics', { authorization: `Bearer ${v}` }] },
    { name: 'pfSense query fields', request: (v) => ['GET', `/pfsense/cafe?${new URLSearchParams({ zone: v, client_mac: v, client_ip: v, redirurl: v, portal_action: v })}`, {}] },
    { name: 'WiFiDog query fields', request: (v) => ['GET', `/wifidog/login/?${new URLSearchParams({ gw_id: v, gw_address: v, gw_port: v, mac: v, ip: v, url: v })}`, {}] },
    { name: 'WiFiDog ping figures', request: (v) => ['GET', `/wifidog/ping/?${new URLSearchParams({ gw_id: 'x', sys_uptime: v, sys_load: v, sys_memfree: v, wifidog_uptime: v })}`, {}] },
    { name: 'WiFiDog auth fields', request: (v) => ['GET', `/wifidog/auth/?${new URLSearchParams({ stage: 'counters', token: v, mac: v, ip: v, incoming: v, outgoing: v, gw_id: v })}`, {}] },
    { name: 'accept form fields', request: (v) => ['POST', '/accept', { 'content-type': 'application/x-www-form-urlencoded' }, new URLSearchParams({ state: v, accept: v }).toString()] },
  ];

  for (const target of targets) {
    it(`${target.name}: every pathological value is answered below 500 within 50 ms of CPU`, async () => {
      // Query strings go through percent-encoding, so their values are kept shorter than the header limit allows.
      const values = pathologicalValues(target.name.includes('query') || target.name.includes('fields') ? 1500 : 6000);
      const [method, path, headers, body] = target.request('warm-up');
      await send(port, method, path, headers, body);
      for (const value of values) {
        const [m, p, h, b] = target.request(value);
        const before = process.cpuUsage();
        const answer = await send(port, m, p, h, b);
        const { user, system } = process.cpuUsage(before);
        assert.ok(answer.status < 500, `${answer.status} for ${JSON.stringify(value.slice(0, 40))}…`);
        assert.ok((user + system) / 1000 < 50, `${Math.round((user + system) / 1000)} ms of CPU for ${JSON.stringify(value.slice(0, 40))}… (${value.length} characters)`);
      }
    });
  }
});
