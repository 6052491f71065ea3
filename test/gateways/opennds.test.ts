import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { decodeFas, gatewayHash, parseFieldList, rhidFor } from '../../app/gateways/opennds';
import { countRows, lastAcceptance, runCli, tempDir, testPortal, type TestPortal } from '../helpers';
import { SimulatedOpenNds, type AuthmonTransport, type OpenNdsLevel } from '../sim/opennds';

const fasKey = 'ndsTestKey42abcd';
const phone = { ip: '10.93.0.2', mac: '02:00:00:00:93:02' };

/** The path and query of a URL, as the browser asks Portico for it. */
const pathOf = (url: string) => url.slice(url.indexOf('/', url.indexOf('//') + 2));
const stateOf = (html: string) => /name="state" value="([^"]+)"/.exec(html)![1];

async function addRouter(portal: TestPortal, id: string, level: OpenNdsLevel): Promise<SimulatedOpenNds> {
  await portal.store.addGateway({ id, siteId: portal.site.id, type: 'opennds', name: id, settings: { fasKey, level } }, portal.clock());
  return new SimulatedOpenNds({ gatewayName: id, fasKey, level, fasUrl: `${portal.config.publicUrl.origin}/opennds/${id}/` }, portal.clock);
}

function authmonOf(portal: TestPortal, id: string): AuthmonTransport {
  return async (form) => {
    const res = await request(portal.app).post(`/opennds/${id}/`).set('User-Agent', 'openNDS(authmon;NDS:9.10.0;)').type('form').send(form);
    return { status: res.status, text: res.text };
  };
}

describe('openNDS: what the router sends, as the reference shows it', () => {
  it('decodes the level-1 list and decrypts the level-2 one, with the reference\'s hid, rhid and gatewayhash', () => {
    const level1 = 'aGlkPTlkZTc1OWVlZWZkYzI2NDA5MTJiMTQ1ZGQxNzc4NWNiNTFhZmNiYzJhZWE5OTE4NDEzYzg3YmZjMTViMDAyNzMsIGNsaWVudGlwPTEwLjkzLjAuMiwgY2xpZW50bWFjPTAyOjAwOjAwOjAwOjkzOjAyLCBjbGllbnRfdHlwZT1jcGRfY2FuLCBnYXRld2F5bmFtZT1uZHN0ZXN0LCBnYXRld2F5dXJsPWh0dHAlM2ElMmYlMmZzdGF0dXMuY2xpZW50LCB2ZXJzaW9uPTkuMTAuMCwgZ2F0ZXdheWFkZHJlc3M9MTAuOTMuMC4xOjIwNTAsIGdhdGV3YXltYWM9MDIwMDAwMDA5MzAxLCBvcmlnaW51cmw9aHR0cCUzYSUyZiUyZjEwLjk0LjAuMSUyZmFueXRoaW5nJTNmeCUzZDElMjZ5JTNkdHdvLCBjbGllbnRpZj1uZ3ctbGFuLCB0aGVtZXNwZWM9KG51bGwpLCAobnVsbCkobnVsbCkobnVsbCkobnVsbCk=';
    const fields = parseFieldList(decodeFas(level1, undefined, { level: 1, fasKey: 'ndsTestKey42' })!);
    assert.equal(fields.get('hid'), '9de759eeefdc2640912b145dd17785cb51afcbc2aea9918413c87bfc15b00273');
    assert.deepEqual([fields.get('clientip'), fields.get('clientmac'), fields.get('gatewayaddress'), fields.get('gatewayname')], ['10.93.0.2', '02:00:00:00:93:02', '10.93.0.1:2050', 'ndstest']);
    assert.equal(rhidFor(fields.get('hid')!, 'ndsTestKey42'), '5662e8671ec20fed742fe2dd74b2679411dca486856a8281191a7964de4a7c73');
    assert.equal(gatewayHash('ndstest'), '5fcaadc59524a3790a6aec6b6c56e672c626425d921fdb8a071dc962c23ce0cf');

    const level2 = 'MmdwRU5MZ0NWV2xkcE5TMHBsRW9MYVYrdlA0NG5lMFh6UU5Od1NBWjZWS0dEL3BEd2RzdE8wN25XMHBad2ZsUG9meGRNRWhqTjFLKzlXWEZXLzhiajB6MnVVRUFzbEVoNVNHNlEwYlZKUFo0Z1ZzV1U4aUVzN2NFN0Q3SldKRWdKa2IwUEMvcEc0cW5ubkdsZDlLMXN0Y0tOaHcxNGlWSi9TQlZLYjNqR0RVOXQ5cUg4THNNbW4zMXUzUTFxSjliT1U0NmJQaWJ2YW5kaExLRFo5N3B3bWhya2lHZ2lZTE5RRHBLR0tiSjliYk85N1pubGpYa01Dcjg5ZmFVZ1EyMWE0bnlkbWIyUEwzTjFiVnNkSmxEZ0Q2cHhHK3N5WlJOL0lVbnlsa1NMbjhCbldzam4vRnAwVXZrTjRxS0ZLSC9tK2k4YlFvalRkUlNuZHQ2T0o0NEZxcGRKNU12Sy8vZ0czZXlxWU9nYVNhdWZyeEQwYjE1SlVvc3ZWaFR1V1U1aEtTWTNZUkwyd2lPVlpDUmVwUTZFMWFjZ1hRNTNSQ1U1YUorNGVpbHluK2dFay9xVUtqQnV1SkI3MXAwb2tsUjJpd0oxWDgxc2FKMitSUSs0V3ZGZDdnZG1LVmxFb1E3T0VZT3pmTy9scGtTV3FaQlhjWGZ3U29mRHpOVFpZNDliL0tjUGtuU3krUE1rbEFmbDMzTEZlVk1LUG9FLzkvVEVUUTBIbUt4MC9NPQ==';
    const list = decodeFas(level2, '216b67791e1a1709', { level: 2, fasKey: 'ndsTestKey42' })!;
    assert.equal(Buffer.byteLength(list), 405);
    assert.equal(parseFieldList(list).get('hid'), 'da563a041e5fdc95b2d432a9bbd3ae114f35ce3cd308baf1487afbd052396c64');
    assert.equal(parseFieldList(list).get('authdir'), 'opennds_auth');
    assert.equal(rhidFor('da563a041e5fdc95b2d432a9bbd3ae114f35ce3cd308baf1487afbd052396c64', 'ndsTestKey42'), '7b3688cf8a91d229976d71fcae40bcde19994982f1c69b540262eab1ec497d55');
    assert.equal(decodeFas(level2, '216b67791e1a1709', { level: 2, fasKey: 'anotherKey42' }), null);
    assert.equal(decodeFas(level2, undefined, { level: 2, fasKey: 'ndsTestKey42' }), null);
    assert.equal(decodeFas(level1, undefined, { level: 2, fasKey: 'ndsTestKey42' }), null);
  });
});

describe('openNDS levels 1 and 2: the browser takes the router its rhid', () => {
  let portal: TestPortal;
  before(async () => { portal = await testPortal(); });
  after(() => portal.close());

  for (const level of [1, 2] as const) {
    it(`level ${level}: terms, acceptance with the router's MAC and IP, then the gateway's auth URL, which lets the phone online`, async () => {
      const router = await addRouter(portal, `bar-${level}`, level);
      const capture = router.capture(phone.ip, phone.mac);
      assert.equal(capture.status, 307);
      const terms = await request(portal.app).get(pathOf(capture.location!)).expect(200);
      assert.match(terms.text, /Café Test/);
      assert.match(terms.headers['content-security-policy'], /form-action 'self' http:\/\/10\.93\.0\.1:2050/);
      const accepted = await request(portal.app).post('/accept').type('form').send({ state: stateOf(terms.text), accept: 'Accept' }).expect(303);
      const auth = new URL(accepted.headers.location);
      assert.equal(`${auth.origin}${auth.pathname}`, 'http://10.93.0.1:2050/opennds_auth/');
      const client = router.clients.get(phone.mac)!;
      assert.equal(auth.searchParams.get('tok'), router.rhid(client));
      assert.deepEqual(router.auth(accepted.headers.location), { status: 307, location: `http://portal.test/online/${portal.site.id}` });
      assert.equal(client.state, 'Authenticated');

      const recorded = await lastAcceptance(portal.store);
      assert.deepEqual([recorded?.gatewayId, recorded?.clientMac, recorded?.clientIp, recorded?.handoff], [`bar-${level}`, phone.mac, phone.ip, 'opennds http://10.93.0.1:2050']);
      assert.equal(recorded?.routerUnauthenticated, level === 1);
      // Back through the auth URL while online: openNDS sends the browser to the FAS with status=authenticated.
      const again = router.auth(accepted.headers.location);
      await request(portal.app).get(pathOf(again.location!)).expect(200).expect(/online/i);
    });
  }

  it('reads a level-1 fas= as the router wrote it: a "+" in it is not a space', async () => {
    const router = await addRouter(portal, 'plus', 1);
    let capture = router.capture(phone.ip, '02:00:00:00:93:07');
    for (let i = 0; !capture.location!.includes('+') && i < 200; i++) capture = router.capture(phone.ip, '02:00:00:00:93:07', `http://example.com/?p=${'~'.repeat(i)}>`);
    assert.match(capture.location!, /\+/);
    await request(portal.app).get(pathOf(capture.location!)).expect(200);
  });

  it('gives the same handoff to a page accepted twice, recording one acceptance', async () => {
    const router = await addRouter(portal, 'twice', 2);
    const terms = await request(portal.app).get(pathOf(router.capture(phone.ip, phone.mac).location!)).expect(200);
    const before = countRows(portal.store, 'acceptances');
    const first = await request(portal.app).post('/accept').type('form').send({ state: stateOf(terms.text), accept: 'Accept' }).expect(303);
    const second = await request(portal.app).post('/accept').type('form').send({ state: stateOf(terms.text), accept: 'Accept' }).expect(303);
    assert.equal(second.headers.location, first.headers.location);
    assert.equal(countRows(portal.store, 'acceptances'), before + 1);
  });
});

describe('openNDS level 3: authmon fetches the authorisation', () => {
  let portal: TestPortal;
  let router: SimulatedOpenNds;
  let authmon: AuthmonTransport;
  before(async () => {
    portal = await testPortal({ PUBLIC_URL: 'https://portal.test/' });
    router = await addRouter(portal, 'terrace', 3);
    authmon = authmonOf(portal, 'terrace');
  });
  after(() => portal.close());

  it('queues the line after the acceptance; the page waits (meta refresh) until authmon took it, then says online; the deauth ends the session with its bytes', async () => {
    assert.deepEqual(await router.authmonPoll(authmon), []);
    assert.deepEqual(router.authmonLog, ['clear none', 'view none', 'view *']);
    const capture = router.capture(phone.ip, phone.mac);
    assert.match(capture.location!, /^https:\/\/portal\.test\/opennds\/terrace\/\?fas=[A-Za-z0-9=]+&iv=[0-9a-f]{16}$/);
    const terms = await request(portal.app).get(pathOf(capture.location!)).expect(200);
    const accepted = await request(portal.app).post('/accept').type('form').send({ state: stateOf(terms.text), accept: 'Accept' }).expect(303);
    const client = router.clients.get(phone.mac)!;
    const rhid = router.rhid(client);
    assert.equal(accepted.headers.location, `https://portal.test/opennds/terrace/?wait=${rhid}`);

    const waiting = await request(portal.app).get(pathOf(accepted.headers.location)).expect(200);
    assert.match(waiting.text, /<meta http-equiv="refresh" content="2">/);
    assert.doesNotMatch(waiting.text, /<script/);

    // The view answer, verbatim in the reference's format: "* " and the percent-encoded line.
    const view = await authmon(`auth_get=view&gatewayhash=${router.gatewayHash()}&payload=bm9uZQ%3D%3D`);
    assert.match(view.text, new RegExp(`^\\* ${rhid}%20${portal.site.sessionMinutes}%200%200%200%200%20[A-Za-z0-9%]+$`));

    assert.deepEqual(await router.authmonPoll(authmon), [rhid]);
    assert.equal(client.state, 'Authenticated');
    assert.equal(client.sessionEnd! - client.sessionStart, portal.site.sessionMinutes * 60);
    // Acknowledged: not offered again.
    assert.deepEqual(await router.authmonPoll(authmon), []);
    const online = await request(portal.app).get(pathOf(accepted.headers.location)).expect(200);
    assert.doesNotMatch(online.text, /http-equiv="refresh"/);
    assert.match(online.text, /Café Test/);

    const session = await portal.store.findGuestSession('terrace', rhid);
    assert.deepEqual([session?.clientMac, session?.clientIp, session?.endedAt], [phone.mac, phone.ip, null]);
    assert.notEqual(session?.startedAt, null);
    assert.equal((await lastAcceptance(portal.store))?.routerUnauthenticated, false);

    portal.clock.advance(60_000);
    client.bytesIncoming = 45030;
    client.bytesOutgoing = 45493;
    await router.deauth(authmon, phone.mac);
    const ended = await portal.store.findGuestSession('terrace', rhid);
    assert.deepEqual([ended?.endReason, ended?.bytesIn, ended?.bytesOut, ended?.endedAt], ['session_length', 45030, 45493, portal.clock()]);
    const health = await portal.store.getGateway('terrace');
    assert.notEqual(health?.lastContactAt, undefined);
  });

  it('forgets what was queued when authmon starts again (clear)', async () => {
    const restarted = new SimulatedOpenNds({ ...router.options }, portal.clock);
    const terms = await request(portal.app).get(pathOf(restarted.capture('10.93.0.3', '02:00:00:00:93:03').location!)).expect(200);
    await request(portal.app).post('/accept').type('form').send({ state: stateOf(terms.text), accept: 'Accept' }).expect(303);
    assert.deepEqual(await restarted.authmonPoll(authmon), []);
    assert.equal(restarted.clients.get('02:00:00:00:93:03')?.state, 'Preauthenticated');
  });

  it('refuses a capture with a hid that was let online already, recording nothing', async () => {
    const client = router.client('10.93.0.4', '02:00:00:00:93:04');
    const terms = await request(portal.app).get(pathOf(router.capture(client.ip, client.mac).location!)).expect(200);
    await request(portal.app).post('/accept').type('form').send({ state: stateOf(terms.text), accept: 'Accept' }).expect(303);
    await router.authmonPoll(authmon);
    assert.equal(client.state, 'Authenticated');
    const before = countRows(portal.store, 'acceptances');
    // The same (old) hid again: a fresh capture of a client openNDS no longer lists would have a new one.
    client.state = 'Preauthenticated';
    const replay = await request(portal.app).get(pathOf(router.capture(client.ip, client.mac).location!)).expect(400);
    assert.match(replay.text, /expired or was already used/);
    assert.equal(countRows(portal.store, 'acceptances'), before);
  });
});

describe('openNDS: hostile requests get a 4xx or an empty authmon answer, and nothing is recorded', () => {
  let portal: TestPortal;
  let router: SimulatedOpenNds;
  before(async () => {
    portal = await testPortal({ PUBLIC_URL: 'https://portal.test/' });
    router = await addRouter(portal, 'gate', 3);
  });
  after(() => portal.close());

  it('refuses entries that do not decrypt, were made with another key or level, name another router, or none at all', async () => {
    const before = countRows(portal.store, 'acceptances');
    const good = router.capture(phone.ip, phone.mac).location!;
    const otherKey = new SimulatedOpenNds({ ...router.options, fasKey: 'anotherFasKey123' }).capture(phone.ip, phone.mac).location!;
    const level1 = new SimulatedOpenNds({ ...router.options, level: 1 }).capture(phone.ip, phone.mac).location!;
    const otherName = new SimulatedOpenNds({ ...router.options, gatewayName: 'gate Node:020000009301 ' }).capture(phone.ip, phone.mac).location!;
    const cases: [string, number, RegExp][] = [
      [otherKey, 400, /did not come from this venue/],
      [level1, 400, /did not come from this venue/],
      [good.replace(/iv=[0-9a-f]+/, 'iv=0000000000000000'), 400, /did not come from this venue/],
      [good.replace(/&iv=.*$/, ''), 400, /did not come from this venue/],
      [good.replace(/fas=[^&]{8}/, 'fas=AAAAAAAA'), 400, /did not come from this venue/],
      [good.replace('fas=', 'fas=%%'), 400, /not valid|did not come/],
      [`${good}&fas=x`, 400, /more than once/],
      [otherName, 400, /not set up right/],
      [good.replace('/gate/', '/nobody/'), 404, /not set up on this portal/],
      ['https://portal.test/opennds/gate/', 400, /did not come from this venue/],
      ['https://portal.test/opennds/gate/?wait=abc', 400, /out of date/],
      [`https://portal.test/opennds/gate/?wait=${'0'.repeat(64)}`, 400, /out of date/],
    ];
    for (const [url, status, words] of cases) {
      const res = await request(portal.app).get(pathOf(url));
      assert.equal(res.status, status, url);
      assert.match(res.text, words, url);
    }
    assert.equal(countRows(portal.store, 'acceptances'), before);
  });

  it('answers authmon nothing for another gatewayhash, an unknown router, a level-2 router or a malformed poll, and starts no session for a bogus ack or deauth', async () => {
    const terms = await request(portal.app).get(pathOf(router.capture(phone.ip, phone.mac).location!)).expect(200);
    await request(portal.app).post('/accept').type('form').send({ state: stateOf(terms.text), accept: 'Accept' }).expect(303);
    const rhid = router.rhid(router.clients.get(phone.mac)!);
    const post = (path: string, body: string) => request(portal.app).post(path).type('form').send(body);
    const none = 'payload=bm9uZQ%3D%3D';
    await portal.store.addGateway({ id: 'two', siteId: portal.site.id, type: 'opennds', name: 'two', settings: { fasKey, level: 2 } }, portal.clock());

    for (const [path, body, status] of [
      ['/opennds/gate/', `auth_get=view&gatewayhash=${gatewayHash('other')}&${none}`, 403],
      ['/opennds/gate/', `auth_get=view&${none}`, 403],
      ['/opennds/nobody/', `auth_get=view&gatewayhash=${gatewayHash('nobody')}&${none}`, 404],
      ['/opennds/two/', `auth_get=view&gatewayhash=${gatewayHash('two')}&${none}`, 409],
      ['/opennds/gate/', `auth_get=list&gatewayhash=${gatewayHash('gate')}&${none}`, 400],
      ['/opennds/gate/', `auth_get=view&auth_get=clear&gatewayhash=${gatewayHash('gate')}&${none}`, 400],
    ] as const) {
      const res = await post(path, body);
      assert.equal(res.status, status, body);
      assert.equal(res.text, '', body);
    }
    // Still queued: nothing above cleared it.
    const view = await post('/opennds/gate/', `auth_get=view&gatewayhash=${gatewayHash('gate')}&${none}`).expect(200);
    assert.match(view.text, new RegExp(`^\\* ${rhid}%20`));

    const payload = (text: string) => encodeURIComponent(Buffer.from(text).toString('base64'));
    // An ack for a line never queued, or garbage in it, starts nothing.
    await post('/opennds/gate/', `auth_get=view&gatewayhash=${gatewayHash('gate')}&payload=${payload(`* ${'1'.repeat(64)} junk`)}`).expect(200, 'ack');
    assert.equal((await portal.store.findGuestSession('gate', rhid))?.startedAt, null);
    // A deauth report for a token of no session, or an unreadable one, ends nothing.
    await post('/opennds/gate/', `auth_get=deauthed&gatewayhash=${gatewayHash('gate')}&payload=${payload('method=timeout_deauth, clientmac=02:00:00:00:93:02, token=deadbeef')}`).expect(200, 'ack');
    await post('/opennds/gate/', `auth_get=deauthed&gatewayhash=${gatewayHash('gate')}&payload=%%%`).expect(200, 'ack');
    assert.equal(countRows(portal.store, 'guest_sessions'), 1);
  });
});

describe('openNDS: gateway add and setup', () => {
  it('makes a faskey, refuses a bad one and level 3 on plain http, and prints the UCI and opennds.conf lines', async () => {
    const dataDir = tempDir();
    const added = await runCli(['gateway', 'add', '--type', 'opennds', '--id', 'garden', '--level', '2'], { dataDir, publicUrl: 'http://192.168.1.10:8080/' });
    assert.equal(added.code, 0, added.err);
    const refused = await runCli(['gateway', 'add', '--type', 'opennds', '--id', 'roof'], { dataDir, publicUrl: 'http://192.168.1.10:8080/' });
    assert.notEqual(refused.code, 0);
    assert.match(refused.err, /Level 3 needs Portico on https/);
    const badKey = await runCli(['gateway', 'add', '--type', 'opennds', '--id', 'roof', '--level', '2', '--fas-key', 'short'], { dataDir, publicUrl: 'http://192.168.1.10:8080/' });
    assert.match(badKey.err, /16 to 32 letters and digits/);
    const https = await runCli(['gateway', 'add', '--type', 'opennds', '--id', 'roof', '--fas-key', 'abcdefghij0123456789'], { dataDir, publicUrl: 'https://192.168.1.10:8443/' });
    assert.equal(https.code, 0, https.err);

    const setup = await runCli(['gateway', 'setup', 'garden'], { dataDir, publicUrl: 'http://192.168.1.10:8080/' });
    assert.equal(setup.code, 0, setup.err);
    const key = /faskey='([A-Za-z0-9]+)'/.exec(setup.out)?.[1] ?? '';
    assert.match(key, /^[A-Za-z0-9]{32}$/);
    for (const line of [
      "uci set opennds.@opennds[0].gatewayname='garden'", "uci set opennds.@opennds[0].enable_serial_number_suffix='0'",
      "uci set opennds.@opennds[0].login_option_enabled='0'", "uci set opennds.@opennds[0].fasport='8080'",
      "uci set opennds.@opennds[0].fasremoteip='192.168.1.10'", "uci set opennds.@opennds[0].faspath='/opennds/garden/'",
      "uci set opennds.@opennds[0].fas_secure_enabled='2'", 'fas_secure_enabled 2', 'faspath /opennds/garden/', `faskey ${key}`,
    ]) assert.ok(setup.out.includes(line), line);
    assert.doesNotMatch(setup.out, /fasremotefqdn/);
    const roof = await runCli(['gateway', 'setup', 'roof'], { dataDir, publicUrl: 'https://localhost:8443/' });
    assert.match(roof.out, /fasremoteip='127\.0\.0\.1'/);
    assert.match(roof.out, /fasremotefqdn='localhost'/);
    assert.match(roof.out, /faskey abcdefghij0123456789/);
  });
});
