import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { cafeNasId, cafeSecret, radiusPortal, type RadiusPortal } from './radius-portal';

/*
 * Debian's radclient (freeradius-utils, .ci/run installs it) as the client: FreeRADIUS's own encoder of
 * User-Password and CHAP-Password, and its checks of the Response Authenticator and of the
 * Message-Authenticator in every reply ("Reply verification failed" otherwise, and no reply counted).
 */

interface Received {
  code: string;
  attributes: Map<string, string>;
}

/** radclient -x to a loopback port, with attribute lines on stdin: what it sent and what it received. */
function radclient(port: number, command: 'auth' | 'acct', secret: string, lines: string[], options: { timeoutSeconds?: number } = {}) {
  const args = ['-x', '-t', String(options.timeoutSeconds ?? 2), '-r', '1', `127.0.0.1:${port}`, command, secret];
  return new Promise<{ status: number | null; out: string; sent: string; received: Received | null }>((resolve, reject) => {
    const child = spawn('radclient', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => { out += text; });
    child.stderr.setEncoding('utf8').on('data', (text: string) => { out += text; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', (error) => reject(new Error(`radclient could not run (apt-get install freeradius-utils): ${error.message}`)));
    child.on('close', (status) => {
      clearTimeout(timer);
      if (!/^Sent \S+ Id \d+ from 127\.0\.0\.1:/m.test(out)) return reject(new Error(`radclient did not send from loopback:\n${out}`));
      const sent = /^Sent [^\n]*\n((?:\t[^\n]*\n)*)/m.exec(out)?.[1] ?? '';
      const reply = /^Received (\S+) Id \d+ [^\n]*\n((?:\t[^\n]*\n?)*)/m.exec(out);
      const received = reply && {
        code: reply[1],
        attributes: new Map(reply[2].split('\n').filter(Boolean).map((line) => {
          const [, name, value] = /^\t(\S+) = (.*)$/.exec(line)!;
          return [name, value.replace(/^"(.*)"$/, '$1')];
        })),
      };
      resolve({ status, out, sent, received });
    });
    // Its socket on loopback too (radclient binds the wildcard address otherwise).
    child.stdin.end(`${[...lines, 'Packet-Src-IP-Address = 127.0.0.1'].join('\n')}\n`);
  });
}

describe('Debian\'s radclient against Portico\'s RADIUS server', () => {
  let portal: RadiusPortal;
  before(async () => {
    portal = await radiusPortal();
    await portal.store.updateSite(portal.site.id, { sessionMinutes: 60 });
  });
  after(() => portal.close());

  let guests = 0;
  /** A guest accepts the terms through pfSense: the one-time login its accept form carries. */
  async function login() {
    guests++;
    const guest = { mac: `02:33:44:55:66:${guests.toString(16).padStart(2, '0')}`, ip: `192.168.1.${200 + guests}` };
    const { form } = await portal.zone().guestAccepts(guest);
    return { guest, user: form.get('auth_user')!, password: form.get('auth_pass')! };
  }

  /** pfSense's Access-Request attributes (reference 4.2), the credentials given apart. */
  const asPfSense = (guest: { mac: string; ip: string }, user: string, credentials: string[]) => [
    'Service-Type = Login-User', `User-Name = "${user}"`, ...credentials, 'NAS-IP-Address = 192.168.1.1', `NAS-Identifier = "${cafeNasId}"`,
    `Calling-Station-Id = "${guest.mac}"`, 'Called-Station-Id = "00:08:a2:0c:11:22:pfSense.home.arpa"', 'NAS-Port-Type = Ethernet',
    'NAS-Port = 2000', `Framed-IP-Address = ${guest.ip}`,
  ];

  const checkAccept = (received: Received | null, out: string) => {
    assert.equal(received?.code, 'Access-Accept', out);
    assert.equal(received.attributes.get('Session-Timeout'), '3600');
    assert.equal(received.attributes.get('Acct-Interim-Interval'), '60');
    assert.equal(received.attributes.get('Idle-Timeout'), '1800');
    assert.equal(received.attributes.get('WISPr-Redirection-URL'), `http://portal.test/online/${portal.site.id}`);
    assert.match(received.attributes.get('WISPr-Session-Terminate-Time') ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    // radclient checked it: a wrong one is "Reply verification failed" and no reply.
    assert.match(received.attributes.get('Message-Authenticator') ?? '', /^0x[0-9a-f]{32}$/);
    assert.doesNotMatch(out, /verification failed/i);
  };

  it('PAP: accepts the login of a real acceptance, with or without a Message-Authenticator in the request', async () => {
    const first = await login();
    const plain = await radclient(portal.ports.auth, 'auth', cafeSecret, asPfSense(first.guest, first.user, [`User-Password = "${first.password}"`]));
    checkAccept(plain.received, plain.out);
    assert.equal(plain.status, 0);

    // radclient signs the request when asked to (3.2.1 does not by default; later ones do).
    const second = await login();
    const signed = await radclient(portal.ports.auth, 'auth', cafeSecret, [...asPfSense(second.guest, second.user, [`User-Password = "${second.password}"`]), 'Message-Authenticator = 0x00']);
    assert.match(signed.sent, /Message-Authenticator/);
    checkAccept(signed.received, signed.out);
  });

  it('CHAP: accepts the CHAP-Password radclient computes, over a CHAP-Challenge or the Request Authenticator', async () => {
    const withChallenge = await login();
    const chap = await radclient(portal.ports.auth, 'auth', cafeSecret,
      asPfSense(withChallenge.guest, withChallenge.user, [`CHAP-Password = "${withChallenge.password}"`, 'CHAP-Challenge = 0x0102030405060708']));
    assert.match(chap.sent, /CHAP-Password = 0x[0-9a-f]{34}/, 'radclient made the CHAP response');
    checkAccept(chap.received, chap.out);

    const withoutChallenge = await login();
    const plain = await radclient(portal.ports.auth, 'auth', cafeSecret, asPfSense(withoutChallenge.guest, withoutChallenge.user, [`CHAP-Password = "${withoutChallenge.password}"`]));
    checkAccept(plain.received, plain.out);
  });

  it('rejects a wrong password and a used login, with a Reply-Message', async () => {
    const issued = await login();
    const wrong = await radclient(portal.ports.auth, 'auth', cafeSecret, asPfSense(issued.guest, issued.user, ['User-Password = "not-it"']));
    assert.equal(wrong.received?.code, 'Access-Reject', wrong.out);
    assert.match(wrong.received.attributes.get('Reply-Message') ?? '', /expired or was already used/);
    assert.notEqual(wrong.status, 0);

    const accepted = await radclient(portal.ports.auth, 'auth', cafeSecret, asPfSense(issued.guest, issued.user, [`User-Password = "${issued.password}"`]));
    assert.equal(accepted.received?.code, 'Access-Accept', accepted.out);
    const again = await radclient(portal.ports.auth, 'auth', cafeSecret, asPfSense(issued.guest, issued.user, [`User-Password = "${issued.password}"`]));
    assert.equal(again.received?.code, 'Access-Reject', again.out);
  });

  it('accounting: Start, Interim-Update with gigawords and Stop make the guest session', async () => {
    const issued = await login();
    const accept = await radclient(portal.ports.auth, 'auth', cafeSecret, asPfSense(issued.guest, issued.user, [`User-Password = "${issued.password}"`]));
    assert.equal(accept.received?.code, 'Access-Accept', accept.out);

    const sessionId = '6f071b2599879edb';
    // Reference 6.2, Service-Type twice.
    const accounting = (status: string, extra: string[] = []) => [
      'Service-Type = Login-User', `User-Name = "${issued.user}"`, `Acct-Status-Type = ${status}`, 'Acct-Authentic = RADIUS', 'Service-Type = Login-User',
      'NAS-IP-Address = 192.168.1.1', `NAS-Identifier = "${cafeNasId}"`, 'NAS-Port-Type = Ethernet', 'NAS-Port = 2000', `Acct-Session-Id = "${sessionId}"`,
      `Framed-IP-Address = ${issued.guest.ip}`, `Calling-Station-Id = "${issued.guest.mac}"`, 'Called-Station-Id = "00:08:a2:0c:11:22:pfSense.home.arpa"', ...extra,
    ];
    const counters = (seconds: number, input: number, output: number) => [
      'Acct-Input-Packets = 100', `Acct-Input-Octets = ${input % 2 ** 32}`, 'Acct-Output-Packets = 200', `Acct-Output-Octets = ${output % 2 ** 32}`,
      `Acct-Session-Time = ${seconds}`, `Acct-Output-Gigawords = ${Math.floor(output / 2 ** 32)}`, `Acct-Input-Gigawords = ${Math.floor(input / 2 ** 32)}`,
    ];

    const start = await radclient(portal.ports.acct, 'acct', cafeSecret, accounting('Start'));
    assert.equal(start.received?.code, 'Accounting-Response', start.out);
    assert.doesNotMatch(start.out, /verification failed/i);
    assert.equal((await portal.store.findGuestSession('cafe', sessionId))?.startedAt, portal.clock());

    portal.clock.advance(60_000);
    const interim = await radclient(portal.ports.acct, 'acct', cafeSecret, accounting('Interim-Update', counters(60, 12_345, 2 * 2 ** 32 + 678)));
    assert.equal(interim.received?.code, 'Accounting-Response', interim.out);
    let row = await portal.store.findGuestSession('cafe', sessionId);
    assert.deepEqual([row?.bytesIn, row?.bytesOut], [2 * 2 ** 32 + 678, 12_345]);

    portal.clock.advance(60_000);
    const stop = await radclient(portal.ports.acct, 'acct', cafeSecret, accounting('Stop', [...counters(120, 22_345, 2 * 2 ** 32 + 1678), 'Acct-Terminate-Cause = Session-Timeout']));
    assert.equal(stop.received?.code, 'Accounting-Response', stop.out);
    row = await portal.store.findGuestSession('cafe', sessionId);
    assert.equal(row?.endReason, 'session_length');
    assert.equal(row?.endedAt, portal.clock());
    assert.deepEqual([row?.bytesIn, row?.bytesOut], [2 * 2 ** 32 + 1678, 22_345]);

    const on = await radclient(portal.ports.acct, 'acct', cafeSecret, ['Acct-Status-Type = Accounting-On', `NAS-Identifier = "${cafeNasId}"`, 'NAS-IP-Address = 192.168.1.1']);
    assert.equal(on.received?.code, 'Accounting-Response', on.out);
  });

  it('does not answer accounting with another secret', async () => {
    const dropped = await radclient(portal.ports.acct, 'acct', 'not-the-secret-of-this-router', ['Acct-Status-Type = Accounting-On', `NAS-Identifier = "${cafeNasId}"`], { timeoutSeconds: 0.5 });
    assert.equal(dropped.received, null, dropped.out);
    assert.match(dropped.out, /No reply/);
  });
});
