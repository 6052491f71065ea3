import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { signState, type GuestState } from '../../app/guest/state';
import { countRows, testPortal, type TestPortal } from '../helpers';
import { rawDatabase } from '../store/raw';

/*
 * A rendered terms page is accepted once: however often and however concurrently its form is posted,
 * there is one acceptance and (WiFiDog) one login token, and every answer is the same handoff.
 */

const stateOf = (html: string) => /name="state" value="([^"]+)"/.exec(html)![1];
const pfAction = 'http://192.168.1.1:8002/index.php?zone=guest';

describe('a terms page is accepted once', () => {
  let portal: TestPortal;
  before(async () => {
    portal = await testPortal();
    await portal.store.addGateway({ id: 'lobby', siteId: portal.site.id, type: 'pfsense', name: 'Lobby', settings: {} }, portal.clock());
    await portal.store.addGateway({ id: 'bar', siteId: portal.site.id, type: 'wifidog', name: 'Bar', settings: { checkIntervalSeconds: 60 } }, portal.clock());
  });
  after(() => portal.close());

  const routers = {
    async pfsense(): Promise<Record<string, string>> {
      const page = await request(portal.app).get('/pfsense/lobby')
        .query({ zone: 'guest', portal_action: pfAction, client_mac: '02:00:00:00:00:01', client_ip: '192.168.1.50', redirurl: 'http://x/' }).expect(200);
      return { state: stateOf(page.text), accept: 'Accept', zone: 'guest', redirurl: `http://portal.test/online/${portal.site.id}` };
    },
    async wifidog(): Promise<Record<string, string>> {
      const page = await request(portal.app).get('/wifidog/login/')
        .query({ gw_address: '10.99.0.1', gw_port: '2060', gw_id: 'bar', ip: '10.99.0.2', mac: '02:00:00:00:00:02', url: 'http://x/' }).expect(200);
      return { state: stateOf(page.text), accept: 'Accept' };
    },
  };
  const status = { pfsense: 307, wifidog: 303 };

  const post = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    request(portal.app).post('/accept').set(headers).type('form').send(form);

  function counts() {
    return {
      acceptances: countRows(portal.store, 'acceptances'),
      tokens: countRows(portal.store, 'guest_sessions'),
      counted: (rawDatabase(portal.store).prepare('SELECT coalesce(sum(acceptances), 0) FROM acceptance_hours').pluck().get() as number),
    };
  }

  for (const type of ['pfsense', 'wifidog'] as const) {
    it(`${type}: 50 sequential and 50 concurrent posts of one page make one acceptance${type === 'wifidog' ? ' and one token' : ''}, each sent on the same way`, async () => {
      const form = await routers[type]();
      const before = counts();
      const locations = new Set<string>();
      for (let i = 0; i < 50; i++) locations.add((await post(form).expect(status[type])).headers.location);
      const concurrent = await Promise.all(Array.from({ length: 50 }, () => post(form)));
      for (const res of concurrent) {
        assert.equal(res.status, status[type]);
        locations.add(res.headers.location);
      }
      assert.equal(locations.size, 1, [...locations].join('\n'));
      const after = counts();
      assert.equal(after.acceptances - before.acceptances, 1);
      assert.equal(after.counted - before.counted, 1, 'the statistics count it once');
      assert.equal(after.tokens - before.tokens, type === 'wifidog' ? 1 : 0);
    });

    it(`${type}: two pages make two acceptances (the nonce is per page)`, async () => {
      const before = counts();
      const first = await post(await routers[type]()).expect(status[type]);
      const second = await post(await routers[type]()).expect(status[type]);
      assert.equal(counts().acceptances - before.acceptances, 2);
      if (type === 'wifidog') assert.notEqual(first.headers.location, second.headers.location);
    });
  }

  it('wifidog: races of one page from the start still make one acceptance and one token', async () => {
    const form = await routers.wifidog();
    const before = counts();
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(form).expect(303)));
    assert.equal(new Set(answers.map((res) => res.headers.location)).size, 1);
    assert.deepEqual(counts(), { acceptances: before.acceptances + 1, tokens: before.tokens + 1, counted: before.counted + 1 });
  });

  it('wifidog: the token stays single-use; accepting the page again gives the used token, which the router is refused', async () => {
    const form = await routers.wifidog();
    const token = new URL((await post(form).expect(303)).headers.location).searchParams.get('token')!;
    const auth = () => request(portal.app).get('/wifidog/auth/')
      .query({ stage: 'login', ip: '10.99.0.2', mac: '02:00:00:00:00:02', token, incoming: '0', outgoing: '0', gw_id: 'bar' });
    assert.equal((await auth()).text, 'Auth: 1');
    const again = new URL((await post(form).expect(303)).headers.location).searchParams.get('token');
    assert.equal(again, token);
    assert.equal((await auth()).text, 'Auth: 0');
    const hash = createHash('sha256').update(token).digest('hex');
    assert.equal(rawDatabase(portal.store).prepare('SELECT count(*) FROM guest_sessions WHERE session_key = ?').pluck().get(hash), 1);
  });

  // What a replayer can change without breaking the signature: none of it makes a second acceptance.
  const variants: [string, (form: Record<string, string>) => Record<string, string>, Record<string, string>][] = [
    ['a language field', (form) => ({ ...form, lang: 'de', language: 'fr' }), {}],
    ['extra fields', (form) => ({ ...form, mac: '02:00:00:00:00:99', ip: '192.168.1.99', nonce: 'x', extra: 'y' }), {}],
    ['another Accept-Language', (form) => form, { 'Accept-Language': 'de-DE,de;q=0.9' }],
    ['another user agent', (form) => form, { 'User-Agent': 'Replayer/1.0' }],
    ['all of them', (form) => ({ ...form, lang: 'nl', extra: 'z' }), { 'Accept-Language': 'nl', 'User-Agent': 'Other/2.0' }],
  ];
  for (const type of ['pfsense', 'wifidog'] as const) {
    it(`${type}: a replay with ${variants.map(([what]) => what).join(', ')} still makes one acceptance`, async () => {
      const form = await routers[type]();
      const first = await post(form).expect(status[type]);
      const before = counts();
      for (const [what, change, headers] of variants) {
        const res = await post(change(form), headers);
        assert.equal(res.status, status[type], what);
        assert.equal(res.headers.location, first.headers.location, what);
      }
      assert.deepEqual(counts(), before);
      const row = rawDatabase(portal.store).prepare('SELECT user_agent, language FROM acceptances ORDER BY id DESC LIMIT 1').get() as Record<string, string>;
      assert.equal(row.language, 'en', 'the first acceptance stays as it was');
      assert.doesNotMatch(row.user_agent ?? '', /Replayer|Other/);
    });
  }

  it('refuses a state without a nonce (signed before pages had one) as expired', async () => {
    const terms = (await portal.store.currentTerms(portal.site.id))!;
    const state = signState(portal.ctx.keys.guestState, {
      gatewayId: 'bar', termsVersionId: terms.id, mac: '02:00:00:00:00:02', ip: '10.99.0.2', language: 'en',
      handoff: { gatewayAddress: '10.99.0.1', gatewayPort: '2060' }, expiresAt: portal.clock() + 60_000,
    } as Omit<GuestState, 'nonce'> as GuestState);
    const res = await post({ state, accept: 'Accept' }).expect(400);
    assert.match(res.text, /expired/);
  });
});
