import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { FixedWindowLimiter } from '../app/rate-limit';
import request from 'supertest';
import { countRows, listeningPortal, testClock, testPortal } from './helpers';
import { captureLog } from './log-capture';
import { acceptForm, pfsenseEntryPath, pfsenseRouterAddress } from './sim/pfsense-guest';

describe('fixed-window limiter', () => {
  it('allows `limit` hits per key per minute, then says how long to wait, and starts afresh each window', () => {
    const clock = testClock();
    const limiter = new FixedWindowLimiter(3, clock);
    assert.deepEqual([1, 2, 3].map(() => limiter.hit('a')), [0, 0, 0]);
    assert.equal(limiter.hit('a'), 60_000);
    assert.equal(limiter.hit('b'), 0, 'keys are counted apart');
    clock.advance(45_000);
    assert.equal(limiter.hit('a'), 15_000);
    clock.advance(15_000);
    assert.equal(limiter.hit('a'), 0);
  });

  it('keeps memory bounded past maxKeys, and still stops a flooding key there', () => {
    const limiter = new FixedWindowLimiter(5, testClock(), 60_000, 100);
    for (let n = 0; n < 100; n++) limiter.hit(`key-${n}`);
    const refused = Array.from({ length: 2000 }, (_, n) => limiter.hit(`spray-${n % 200}`)).filter((wait) => wait > 0).length;
    assert.equal(limiter.trackedKeys, 100);
    assert.ok(refused >= 2000 - 200 * 5, `each of the 200 keys past the map gets at most its 5 hits (${refused} of 2000 refused)`);
    assert.equal(limiter.hit('key-7'), 0, 'keys seen before the overflow keep their own budget');
  });

  it('does not let an attacker who filled the map share a budget with the real guests who come after', () => {
    // The token limit (30 a minute): an attacker fills the map, then keeps 25,000 hits a minute going over
    // fresh keys and a few hammered ones; guests arriving after use their tokens a few times each.
    const limiter = new FixedWindowLimiter(30, testClock(), 60_000, 1000);
    for (let n = 0; n < 1000; n++) limiter.hit(`filler-${n}`);
    for (let n = 0; n < 20_000; n++) limiter.hit(`spray-${n}`);
    const hammered = Array.from({ length: 5000 }, (_, n) => limiter.hit(`hammer-${n % 50}`));
    assert.ok(hammered.filter((wait) => wait > 0).length >= 5000 - 50 * 30, 'a flooding key is stopped at its limit, never later');
    let guestsRefused = 0;
    for (let n = 0; n < 1000; n++) {
      if ([1, 2, 3].map(() => limiter.hit(`guest-token-${n}`)).some((wait) => wait > 0)) guestsRefused++;
    }
    assert.equal(guestsRefused, 0);
    assert.equal(limiter.trackedKeys, 1000);
  });
});

type Portal = Awaited<ReturnType<typeof listeningPortal>>;

async function guestThroughPfSense(portal: Portal, n: number, headers: Record<string, string> = {}): Promise<number[]> {
  const guest = { mac: `02:00:00:00:${(n >> 8).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`, ip: `192.168.${n >> 8}.${n & 255}` };
  const page = await fetch(new URL(pfsenseEntryPath('cafe', guest).slice(1), portal.url), { headers });
  const html = await page.text();
  const css = await fetch(new URL('guest.css', portal.url), { headers });
  await css.arrayBuffer();
  const form = page.status === 200 ? acceptForm(html) : new URLSearchParams();
  const accepted = await fetch(new URL('accept', portal.url), {
    method: 'POST', redirect: 'manual', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  await accepted.arrayBuffer();
  return [page.status, css.status, accepted.status];
}

describe('rate limits on a busy venue', () => {
  let portal: Portal;
  afterEach(() => portal.close());

  async function venue(env: Record<string, string> = {}): Promise<Portal> {
    portal = await listeningPortal(env);
    for (const id of ['cafe', 'bar']) {
      await portal.store.addGateway({ id, siteId: portal.site.id, type: 'pfsense', name: id, settings: { address: pfsenseRouterAddress } }, portal.clock());
    }
    return portal;
  }

  it('lets a 500-guest event through one public address within one minute, with the default limits', async () => {
    await venue();
    // Every guest arrives in the same minute (the test clock stands still), from the same address.
    for (let wave = 0; wave < 500; wave += 25) {
      const results = await Promise.all(Array.from({ length: 25 }, (_, i) => guestThroughPfSense(portal, wave + i)));
      for (const statuses of results) assert.deepEqual(statuses, [200, 200, 307]);
    }
    assert.equal(countRows(portal.store, 'acceptances'), 500);
    assert.equal(portal.ctx.metrics.value('portico_rate_limited_total'), 0);
  });

  it('refuses a flood from one address with 429, Retry-After and a log line, and lets it in again next minute', async () => {
    await venue({ RATE_LIMIT_ADDRESS: '40' });
    const { result: statuses, lines } = await captureLog(async () => {
      const all: number[] = [];
      for (let n = 0; n < 60; n++) {
        const response = await fetch(new URL('preview', portal.url));
        await response.arrayBuffer();
        all.push(response.status);
        if (response.status === 429) assert.equal(response.headers.get('retry-after'), '60');
      }
      return all;
    });
    assert.equal(statuses.filter((s) => s === 200).length, 40);
    assert.equal(statuses.filter((s) => s === 429).length, 20);
    assert.match(lines, / warn rate limit reached limit=address per_minute=40 key=127\.0\.0\.1 path=\/preview/);
    assert.equal((await fetch(new URL('healthz', portal.url))).status, 200, 'monitors still get an answer');
    portal.clock.advance(60_000);
    assert.equal((await fetch(new URL('preview', portal.url))).status, 200);
  });

  it('limits one address flooding a gateway\'s entry without touching the gateway\'s other guests or another gateway, and writes nothing refused', async () => {
    await venue({ RATE_LIMIT_GATEWAY: '30', TRUST_PROXY: 'true' });
    const statuses: number[] = [];
    for (let n = 0; n < 50; n++) {
      const [entry, , accepted] = await guestThroughPfSense(portal, n, { 'x-forwarded-for': '203.0.113.66' });
      statuses.push(entry);
      if (entry === 429) assert.equal(accepted, 400, 'no page, no state, no acceptance');
    }
    assert.equal(statuses.filter((s) => s === 200).length, 30);
    assert.equal(countRows(portal.store, 'acceptances'), 30);
    const guest = { mac: '02:00:00:00:09:09', ip: '192.168.9.9' };
    for (const gateway of ['cafe', 'bar']) {
      const other = await fetch(new URL(pfsenseEntryPath(gateway, guest).slice(1), portal.url), { headers: { 'x-forwarded-for': '203.0.113.67' } });
      assert.equal(other.status, 200, gateway);
    }
  });
});

describe('rate limit per WiFiDog token', () => {
  it('refuses a flood with one token with a 429 the gateway reads as an error (no "Auth: 0"), other tokens unaffected', async () => {
    const portal = await testPortal();
    try {
      await portal.store.addGateway({ id: 'dd', siteId: portal.site.id, type: 'wifidog', name: 'DD-WRT', settings: {} }, portal.clock());
      const auth = (token: string) => request(portal.app).get(`/wifidog/auth/?stage=counters&ip=10.99.0.2&mac=02:00:00:00:99:03&token=${token}&incoming=1&outgoing=1&gw_id=dd`);
      // One counters call a minute is what a gateway sends; 30 a minute is the budget.
      for (let n = 0; n < 30; n++) assert.equal((await auth('stolen-token-1234')).text, 'Auth: 0'); // unknown token: refused, not limited
      const limited = await auth('stolen-token-1234');
      assert.equal(limited.status, 429);
      assert.doesNotMatch(limited.text, /Auth:/);
      assert.equal((await auth('another-token-5678')).status, 200);
    } finally {
      await portal.close();
    }
  });
});
