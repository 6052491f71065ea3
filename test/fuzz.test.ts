import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Context } from '../app/context';
import { guestEndpoints } from '../app/edge/endpoints';
import { countRows, listeningPortal } from './helpers';
import { acceptForm, pfsenseEntryPath, pfsenseRouterAddress } from './sim/pfsense-guest';
import { rawDatabase } from './store/raw';

/*
 * Property-based fuzzing of every public route: thousands of malformed, oversized, mis-encoded and
 * hostile requests. Whatever arrives: no 5xx, no stack trace, no redirect off the venue's own hosts,
 * no row written for a refused request, no request that costs more than 50 ms of CPU, and the process
 * keeps answering.
 */

const website = 'https://cafe.example/welcome';
const wifidogRouterAddress = '10.99.0.1:2060';

/** Values an attacker on the guest network would try, next to random text. */
const hostileValues = [
  'https://evil.example/', '//evil.example/', '\\\\evil.example', '/\\evil.example', 'javascript:alert(1)', 'data:text/html,<b>x</b>',
  `http://${pfsenseRouterAddress}@evil.example/index.php?zone=guest`, 'http://evil.example/index.php?zone=guest',
  `http://${pfsenseRouterAddress}/index.php?zone=guest`, 'http://192.168.1.1:8003/index.php?zone=guest', 'http://10.0.0.1/index.php',
  'https://cafe.example.evil.example/', '%0d%0aLocation:%20https://evil.example', '\r\nSet-Cookie: x=1', '../../../etc/passwd',
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' OR 1=1 --", '\u0000', '%00', '%', '%zz', '%C3%28', '%FF%FE',
  website, 'guest', 'GUEST', 'cafe', 'dd', '10.99.0.1', '2060', 'login', 'counters', 'logout', 'denied', '02:00:00:00:99:02', 'ff:ff:ff:ff:ff:ff', '192.168.1.50', '::1', '999.1.1.1', '10.0.0.1%eth0',
  'x'.repeat(5000), 'é'.repeat(3000), '0', '-1', '1e309', 'NaN', 'null', '[]', '{}', 'true',
];

/** Long runs of what header and field grammars split on, ending in what makes a match fail: regex DoS shapes. */
const pathological = fc.tuple(
  fc.constantFrom('', 'charset=', 'q=', 'x;q=', 'gzip;', 'a='),
  fc.constantFrom(' ', '\t', '"', ';', '=', ',', 'a', ' ;', '="', '\\"', '-', '.'),
  fc.nat({ max: 5000 }),
  fc.constantFrom('!', '""x', '"', ' x', '(', ''),
).map(([head, run, n, tail]) => `${head}${run.repeat(n)}${tail}`);

const text = fc.oneof(
  fc.constantFrom(...hostileValues),
  pathological,
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.nat({ max: 40_000 }).map((n) => 'A'.repeat(n)),
);

/**
 * Parameter names: every one an endpoint on the edge declares it reads (the drivers' among them), the
 * admin's sign-in fields, and names that probe the parsers.
 */
function parameterNames(ctx: Context): string[] {
  const declared = guestEndpoints(ctx).flatMap((endpoint) => endpoint.parameters);
  return [...new Set([...declared, 'username', 'password', '_csrf', 'zone[]', '__proto__', 'constructor'])];
}

/** Parameters as a list of pairs: repeated keys, unknown keys and hostile values included. */
function parameterPairs(names: string[]): fc.Arbitrary<[string, string][]> {
  return fc.array(fc.tuple(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 10 })), text), { maxLength: 8 });
}

/** Percent-encodes one character; a lone surrogate becomes the invalid UTF-8 a broken client would send. */
function percentEncode(character: string): string {
  try {
    return encodeURIComponent(character);
  } catch {
    return '%ED%A0%80';
  }
}

/** Percent-encodes most of the time, and sometimes sends the text as it is (mis-encoded, raw latin1). */
function encodePairs(pairs: [string, string][], raw: boolean): string {
  if (!raw) return new URLSearchParams(pairs).toString();
  return pairs.map(([key, value]) => `${key}=${value}`).join('&').replace(/[^\u0021-\u00ff]/gu, percentEncode).replace(/#/g, '%23');
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

const segment = fc.oneof(fc.constantFrom('cafe', 'nowhere', '..', '%2e%2e', '%zz', '%C3%28', 'a'.repeat(300), ''), fc.string({ maxLength: 20 }))
  .map((s) => s.replace(/[^\u0021-\u00ff]/gu, percentEncode).replace(/[?#/]/g, percentEncode));

const contentTypes = ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-16', 'application/x-www-form-urlencoded; charset=latin1',
  'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded; charset="', '',
  `application/x-www-form-urlencoded; charset=${' '.repeat(3000)}""x`];

const getPaths = ['/preview', '/', '/accept', '/healthz', '/metrics', '/guest.css', '/wifidog/login/', '/wifidog/auth/', '/wifidog/ping/',
  '/wifidog/portal/', '/wifidog/gw_message.php', '/api/captive-portal', '/portal', '/online/1', '/online/99999999999999999999', '/online/-1',
  '/style/x.css', '/admin/login', '/admin', '/admin/setup', '/nowhere', '//evil.example'];
const postPaths = ['/accept', '/admin/login', '/admin/setup', '/pfsense/cafe', '/preview'];

function fuzzRequests(genuineForm: () => URLSearchParams, names: string[]): fc.Arbitrary<FuzzRequest> {
  const params = parameterPairs(names);
  const query = fc.tuple(params, fc.boolean()).map(([pairs, raw]) => encodePairs(pairs, raw));
  const headers = fc.record({
    'user-agent': text.map((t) => t.replace(/[^\u0020-\u007e]/g, '').slice(0, 8000)),
    accept: fc.constantFrom('text/html', 'application/captive+json', '*/*', 'application/json'),
    'accept-language': fc.oneof(fc.constantFrom('de-DE,de;q=0.9', 'xx', '*', 'en;q=abc', 'a'.repeat(500)), pathological),
    'accept-encoding': fc.oneof(fc.constantFrom('gzip', 'br, gzip;q=0', '*;q=0', 'identity'), pathological),
  });
  const get = fc.tuple(
    fc.oneof(
      segment.map((id) => `/pfsense/${id}`),
      fc.constantFrom(...getPaths),
    ),
    query, headers, fc.constantFrom('GET', 'GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'),
  ).map(([path, q, h, method]) => ({ method, path: q ? `${path}?${q}` : path, headers: h }));

  const formBody = fc.oneof(
    fc.tuple(params, fc.boolean()).map(([pairs, raw]) => encodePairs(pairs, raw)),
    // a genuine page's state with hostile companions, or the state tampered with
    fc.tuple(params, fc.nat(), fc.boolean()).map(([pairs, at, tamper]) => {
      let state = genuineForm().get('state')!;
      if (tamper) state = state.slice(0, at % state.length) + (state[at % state.length] === 'A' ? 'B' : 'A') + state.slice((at % state.length) + 1);
      return new URLSearchParams([['state', state], ...pairs]).toString();
    }),
    // the genuine form, with extra or repeated fields an attacker adds
    fc.tuple(params).map(([pairs]) => new URLSearchParams([...genuineForm(), ...pairs]).toString()),
    fc.nat({ max: 40_000 }).map((n) => `state=${'A'.repeat(n)}`),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  );
  const post = fc.tuple(
    fc.constantFrom('/accept', '/accept', ...postPaths),
    formBody, headers, fc.oneof(fc.constantFrom(...contentTypes), pathological.map((p) => `application/x-www-form-urlencoded; ${p}`)),
  ).map(([path, body, h, type]) => ({
    method: 'POST', path, headers: { ...h, ...(type ? { 'content-type': type } : {}) }, body: Buffer.from(body, 'latin1'),
  }));
  return fc.oneof({ weight: 3, arbitrary: get }, { weight: 2, arbitrary: post });
}

describe('fuzz: hostile requests to every public route', () => {
  let portal: Awaited<ReturnType<typeof listeningPortal>>;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const allowedHosts = new Set<string>();
  const forms: URLSearchParams[] = [];

  before(async () => {
    portal = await listeningPortal();
    await portal.store.updateSite(portal.site.id, { websiteUrl: website });
    await portal.store.addGateway({ id: 'cafe', siteId: portal.site.id, type: 'pfsense', name: 'Café', settings: { address: pfsenseRouterAddress } }, portal.clock());
    await portal.store.addGateway({ id: 'dd', siteId: portal.site.id, type: 'wifidog', name: 'DD-WRT', settings: {} }, portal.clock());
    // Portico itself, the venue website, the registered pfSense, and the WiFiDog router at the address it reported.
    for (const host of [new URL(portal.url).host, new URL(website).host, pfsenseRouterAddress, wifidogRouterAddress]) allowedHosts.add(host);
    const pfsensePage = await fetch(new URL(pfsenseEntryPath('cafe', { mac: '02:00:00:00:99:02', ip: '192.168.1.50' }).slice(1), portal.url));
    forms.push(acceptForm(await pfsensePage.text()));
    const [address, port] = wifidogRouterAddress.split(':');
    const wifidogPage = await fetch(new URL(`wifidog/login/?gw_address=${address}&gw_port=${port}&gw_id=dd&ip=10.99.0.2&mac=02:00:00:00:99:03&url=http%3A%2F%2Fx.example%2F`, portal.url));
    forms.push(acceptForm(await wifidogPage.text()));
    // Each route's first answer compiles its templates once: that is start-up work, not a request's cost.
    for (const path of getPaths) await send({ method: 'GET', path, headers: {} });
    for (const path of postPaths) await send({ method: 'POST', path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from('x=1') });
  });
  after(async () => {
    agent.destroy();
    await portal.close();
  });

  function send(request: FuzzRequest): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
    const { port } = new URL(portal.url);
    return new Promise((resolve, reject) => {
      const outgoing = http.request({ host: '127.0.0.1', port, method: request.method, path: request.path, headers: request.headers, agent }, (response) => {
        let body = '';
        response.setEncoding('latin1').on('data', (chunk: string) => { body += chunk; });
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
      });
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
  }

  /** Rows a request could write; a refused request must leave them as they were. */
  function writtenRows(): number {
    const tables = rawDatabase(portal.store).prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('schema_migrations', 'sqlite_sequence')").all();
    return tables.reduce((sum, { name }) => sum + countRows(portal.store, `"${name}"`), 0);
  }

  it('answers thousands of malformed requests with 2xx–4xx, redirects only to the venue and its router, and writes nothing refused', async () => {
    const statuses = new Map<number, number>();
    let turn = 0;
    await fc.assert(fc.asyncProperty(fuzzRequests(() => forms[turn++ % forms.length], parameterNames(portal.ctx)), async (request) => {
      const rowsBefore = writtenRows();
      // Client and server share this process: the CPU spent between request and answer is the request's cost.
      const cpuBefore = process.cpuUsage();
      const response = await send(request);
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      assert.ok(cpuMs <= 50, `${Math.round(cpuMs)} ms of CPU for ${request.method} ${request.path.slice(0, 200)} ${JSON.stringify(request.headers).slice(0, 300)}`);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      assert.ok(response.status < 500, `${response.status} for ${request.method} ${request.path.slice(0, 200)}: ${response.body.slice(0, 300)}`);
      assert.doesNotMatch(response.body, /\bat [\w.<>]+ \(.*:\d+:\d+\)|node_modules|\/dist\/app\//, 'no stack trace or file path in a page');
      const location = response.headers.location;
      if (location !== undefined) {
        const target = new URL(location, portal.url);
        assert.ok(allowedHosts.has(target.host), `redirect to ${location} for ${request.method} ${request.path.slice(0, 200)}`);
        assert.ok(target.protocol === 'http:' || target.protocol === 'https:');
      }
      if (response.status >= 400) assert.equal(writtenRows(), rowsBefore, `${request.method} ${request.path.slice(0, 100)} was refused with ${response.status} but wrote a row`);
    }), { numRuns: 1500, seed: Number(process.env.FUZZ_SEED ?? 20261127) });
    assert.equal([...statuses.values()].reduce((a, b) => a + b), 1500);
    // The fuzz reached past the checks too: pages served and acceptances handed to the router.
    for (const status of [200, 303, 307, 400, 404]) assert.ok((statuses.get(status) ?? 0) > 0, `no ${status} among ${JSON.stringify([...statuses])}`);
    assert.equal((await fetch(new URL('healthz', portal.url))).status, 200);
  });

  it('survives malformed HTTP itself: broken request lines, headers and lengths', async () => {
    const { port } = new URL(portal.url);
    const rawRequest = fc.tuple(
      fc.constantFrom('GET', 'POST', 'G E T', '', 'BREW', 'GET\u0000'),
      fc.oneof(fc.constantFrom('/pfsense/cafe?zone=guest', '/accept', '*', 'http://evil.example/', '/preview?%', ''), fc.string({ unit: 'binary-ascii', maxLength: 60 })),
      fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', 'HTTP/1.1 extra', ''),
      fc.array(fc.constantFrom('Content-Length: 5', 'Content-Length: -1', 'Content-Length: 1, 2', 'Transfer-Encoding: chunked', 'Transfer-Encoding: gzip, chunked',
        'Host:', 'X: \u0001', 'Content-Type: application/x-www-form-urlencoded', `Cookie: ${'a'.repeat(20_000)}`, 'Bad Header', ': empty'), { maxLength: 4 }),
      fc.string({ unit: 'binary-ascii', maxLength: 40 }),
    ).map(([method, target, version, headers, body]) =>
      `${method} ${target} ${version}\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n${headers.join('\r\n')}${headers.length ? '\r\n' : ''}\r\n${body}`);

    await fc.assert(fc.asyncProperty(rawRequest, async (raw) => {
      const answer = await new Promise<string>((resolve) => {
        const socket = net.connect(Number(port), '127.0.0.1');
        let data = '';
        socket.setEncoding('latin1').on('data', (chunk: string) => { data += chunk; });
        socket.on('error', () => resolve(data));
        socket.on('close', () => resolve(data));
        socket.setTimeout(1000, () => socket.destroy()); // a request still waiting for its body
        socket.end(raw);
      });
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1];
      if (status) assert.ok(Number(status) < 500, `${status} for ${JSON.stringify(raw.slice(0, 120))}`);
    }), { numRuns: 200, seed: 7 });
    assert.equal((await fetch(new URL('healthz', portal.url))).status, 200);
  });
});
