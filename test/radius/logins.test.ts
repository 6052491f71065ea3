import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { acceptForm, pfsenseEntryPath } from '../sim/pfsense-guest';
import { acctStatus } from '../sim/pfsense-radius';
import {
  accessRequest, ask, chapPassword, decodeReply, findText, integer, ipv4, RadiusSocket, text, userPassword, type Attr,
} from '../sim/radius-client';
import { cafeNasId, cafeSecret, radiusPortal, type RadiusPortal } from './radius-portal';

let guests = 0;
function nextGuest() {
  guests++;
  return { mac: `02:22:33:44:55:${guests.toString(16).padStart(2, '0')}`, ip: `192.168.1.${10 + guests}` };
}

const replyMessage = 'This Wi-Fi login has expired or was already used. Open any website to see the terms again.';

/** A UDP relay on loopback that loses the first reply of each client port: pfSense must retransmit. */
async function lossyRelay(serverPort: number) {
  const front = dgram.createSocket('udp4');
  const upstreams = new Map<number, { socket: dgram.Socket; bound: Promise<void>; replies: number }>();
  front.on('message', (datagram, from) => {
    let upstream = upstreams.get(from.port);
    if (!upstream) {
      const socket = dgram.createSocket('udp4');
      const entry = { socket, bound: new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve())), replies: 0 };
      socket.on('message', (reply) => {
        if (entry.replies++ > 0) front.send(reply, from.port, from.address);
      });
      upstreams.set(from.port, (upstream = entry));
    }
    const { socket, bound } = upstream;
    void bound.then(() => socket.send(datagram, serverPort, '127.0.0.1'));
  });
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', () => resolve()));
  return {
    port: front.address().port,
    close() {
      for (const { socket } of upstreams.values()) socket.close();
      front.close();
    },
  };
}

describe('one-time RADIUS logins', () => {
  let portal: RadiusPortal;
  before(async () => {
    portal = await radiusPortal();
    // A second pfSense router of the venue, with a secret and NAS Identifier of its own.
    await portal.store.addGateway({
      id: 'bar', siteId: portal.site.id, type: 'pfsense', name: 'Bar',
      settings: { mode: 'radius', radiusSecret: 'bar-radius-secret-0123456789', nasId: 'CaptivePortal-bar' },
    }, portal.clock());
  });
  after(() => portal.close());

  /** A guest accepts the terms on router "cafe"; the login is the one the page's form carries. */
  async function issued(guest = nextGuest(), lang?: string) {
    const { form } = await portal.zone().guestAccepts(guest, { lang });
    return { guest, user: form.get('auth_user')!, password: form.get('auth_pass')! };
  }

  /** pfSense's Access-Request for a login, with attributes changed by `edit`. */
  function loginPacket(login: { user: string; password: string; guest: { ip: string; mac: string } }, edit: (attributes: Attr[]) => Attr[] = (a) => a, secret = cafeSecret) {
    const attributes = [
      integer(6, 1), text(1, login.user), userPassword(login.password), ipv4(4, '192.168.1.1'), text(32, cafeNasId),
      text(31, login.guest.mac), text(30, '00:08:a2:0c:11:22:pfSense.home.arpa'), integer(61, 15), integer(5, 2000), ipv4(8, login.guest.ip),
    ];
    return accessRequest({ secret, attributes: edit(attributes) });
  }
  const replace = (type: number, by: Attr) => (attributes: Attr[]) => attributes.map((a) => (a.type === type ? by : a));
  const authAsk = (datagram: Buffer, secret = cafeSecret) => ask(portal.ports.auth, datagram, secret, { timeoutMs: 1000 });

  it('answers a retransmission with the same bytes and no second decision', async () => {
    const login = await issued();
    const datagram = loginPacket(login);
    const accepted = portal.counted('auth', 'accept');
    const socket = new RadiusSocket(portal.ports.auth);
    try {
      await socket.send(datagram);
      const first = await socket.nextReply(2000);
      await socket.send(datagram);
      const second = await socket.nextReply(2000);
      assert.ok(first && second);
      assert.equal(decodeReply(first, datagram, cafeSecret).code, 2);
      assert.deepEqual(second, first, 'the very same reply');
    } finally {
      await socket.close();
    }
    assert.equal(portal.counted('auth', 'accept'), accepted + 1, 'one decision');
    assert.ok(portal.counted('auth', 'resent') >= 1);

    // Not a retransmission (a new authenticator, or another source port): the login is spent, no session is open.
    for (const replay of [loginPacket(login), datagram]) {
      const refused = await authAsk(replay);
      assert.equal(refused?.code, 3);
      assert.equal(refused?.authentic, true);
      assert.equal(findText(refused!, 18), replyMessage);
      assert.equal(refused?.messageAuthenticator, 'valid');
    }
  });

  it('lets the guest in when the Accept was lost and pfSense sent its Access-Request again', async () => {
    const relay = await lossyRelay(portal.ports.auth);
    try {
      const zone = portal.zone({ authPort: relay.port, timeoutMs: 300 });
      const { answer } = await zone.guestLogsIn(nextGuest());
      assert.equal(answer.status, 302, answer.message);
      const login = zone.exchanges.find((exchange) => exchange.port === 'auth')!;
      assert.equal(login.sends, 2, 'the first Accept was lost, the second copy answered');
      assert.equal(login.reply?.code, 2);
    } finally {
      relay.close();
    }
  });

  it('refuses a login from another MAC, IP or router, and still takes it from its own guest', async () => {
    const login = await issued();
    const otherMac = await authAsk(loginPacket(login, replace(31, text(31, '02:99:99:99:99:99'))));
    assert.equal(otherMac?.code, 3);
    assert.equal(findText(otherMac!, 18), replyMessage);
    assert.equal((await authAsk(loginPacket(login, replace(8, ipv4(8, '192.168.1.250')))))?.code, 3, 'another IP');
    assert.equal((await authAsk(loginPacket(login, (a) => a.filter((attr) => attr.type !== 31))))?.code, 3, 'no Calling-Station-Id');
    // Router "bar" asks about cafe's login, with its own secret and NAS Identifier.
    const barSecret = 'bar-radius-secret-0123456789';
    const fromBar = await authAsk(loginPacket(login, replace(32, text(32, 'CaptivePortal-bar')), barSecret), barSecret);
    assert.equal(fromBar?.code, 3);
    assert.equal(fromBar?.authentic, true, 'answered with bar\'s secret');
    assert.equal((await authAsk(loginPacket(login)))?.code, 2, 'the refusals did not spend it');
  });

  it('refuses a wrong password or an unknown user, without spending the login', async () => {
    const login = await issued();
    assert.equal((await authAsk(loginPacket({ ...login, password: `${login.password.slice(0, -1)}x` })))?.code, 3);
    assert.equal((await authAsk(loginPacket({ ...login, password: '' })))?.code, 3, 'empty password (16 NULs)');
    const stranger = await authAsk(loginPacket({ ...login, user: 'g0123456789abcdef0123' }));
    assert.equal(stranger?.code, 3);
    assert.equal(findText(stranger!, 18), replyMessage, 'in the venue\'s language');
    assert.equal((await authAsk(loginPacket({ ...login, user: 'admin' })))?.code, 3);
    assert.equal((await authAsk(loginPacket(login)))?.code, 2);
  });

  it('checks MD5-CHAP, with the CHAP-Challenge or the Request Authenticator as the challenge', async () => {
    const chap = (login: { user: string; password: string; guest: { ip: string; mac: string } }, withChallenge: boolean, password = login.password) => {
      const authenticator = Buffer.from('0123456789abcdef');
      const challenge = withChallenge ? Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]) : authenticator;
      const attributes = [
        integer(6, 1), text(1, login.user), { type: 3, value: chapPassword(7, password, challenge) },
        ...(withChallenge ? [{ type: 60, value: challenge }] : []),
        ipv4(4, '192.168.1.1'), text(32, cafeNasId), text(31, login.guest.mac), text(30, '00:08:a2:0c:11:22:pfSense.home.arpa'),
        integer(61, 15), integer(5, 2000), ipv4(8, login.guest.ip),
      ];
      return accessRequest({ secret: cafeSecret, attributes, authenticator });
    };
    const first = await issued();
    assert.equal((await authAsk(chap(first, true, 'not the password')))?.code, 3);
    assert.equal((await authAsk(chap(first, true)))?.code, 2);
    const second = await issued();
    assert.equal((await authAsk(chap(second, false)))?.code, 2);
  });

  it('keeps a login usable for five minutes after the acceptance, not longer', async () => {
    const late = await issued();
    const inTime = await issued();
    portal.clock.advance(5 * 60_000);
    assert.equal((await authAsk(loginPacket(inTime)))?.code, 2, 'at five minutes');
    portal.clock.advance(1);
    const refused = await authAsk(loginPacket(late));
    assert.equal(refused?.code, 3);
    assert.equal(findText(refused!, 18), replyMessage);
  });

  it('words the Reject in the language the guest accepted in', async () => {
    const login = await issued(nextGuest(), 'fr');
    assert.equal((await authAsk(loginPacket(login)))?.code, 2);
    const replayed = await authAsk(loginPacket(login));
    assert.equal(findText(replayed!, 18), 'Cette connexion Wi-Fi a expiré ou a déjà servi. Ouvrez n’importe quel site web pour revoir les conditions.');
  });

  it('gives a page accepted twice (a double tap) one login, used once', async () => {
    const guest = nextGuest();
    const page = await request(portal.app).get(pfsenseEntryPath('cafe', guest));
    const form = acceptForm(page.text).toString();
    for (let tap = 0; tap < 2; tap++) assert.equal((await request(portal.app).post('/accept').type('form').send(form)).status, 307);
    const login = { guest, user: new URLSearchParams(form).get('auth_user')!, password: new URLSearchParams(form).get('auth_pass')! };
    assert.equal((await authAsk(loginPacket(login)))?.code, 2);
    assert.equal((await authAsk(loginPacket(login)))?.code, 3);
  });

  it('takes re-authentication only from the session\'s own guest while it is open', async () => {
    const zone = portal.zone();
    const { answer } = await zone.guestLogsIn(nextGuest());
    const session = answer.session!;
    const login = { user: session.user, password: session.password, guest: { ip: session.ip, mac: session.mac! } };
    assert.equal((await authAsk(loginPacket(login)))?.code, 2, 'the session is open');
    assert.equal((await authAsk(loginPacket(login, replace(31, text(31, '02:99:99:99:99:98')))))?.code, 3, 'another MAC');
    await zone.logout(session);
    assert.equal((await authAsk(loginPacket(login)))?.code, 3, 'the session is closed');
    // An Accounting Start for a login Portico never accepted opens nothing.
    const stranger = { ...session, user: 'g0123456789abcdef0123', sessionId: 'feedfacefeedface' };
    assert.equal((await ask(portal.ports.acct, zone.accountingPacket(acctStatus.start, stranger), cafeSecret))?.code, 5);
    assert.equal(await portal.store.findGuestSession('cafe', 'feedfacefeedface'), undefined);
  });
});
