import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers';
import { captureLog } from '../log-capture';
import { acctStatus, sweepIntervalMs } from '../sim/pfsense-radius';
import {
  accessRequest, accountingRequest, ask, code, integer, ipv4, messageAuthenticator, rawPacket, RadiusSocket, text, userPassword, type Attr,
} from '../sim/radius-client';
import { cafeNasId, cafeSecret, radiusPortal, type RadiusPortal } from './radius-portal';

const wrongSecret = 'not-the-secret-of-this-router';

describe('RADIUS packets Portico does not answer, and routers it learns of while running', () => {
  let portal: RadiusPortal;
  before(async () => {
    portal = await radiusPortal();
    const settings = (nasId: string, radiusFrom?: string) => ({ mode: 'radius', radiusSecret: cafeSecret, nasId, ...(radiusFrom ? { radiusFrom } : {}) });
    await portal.store.addGateway({ id: 'pinned', siteId: portal.site.id, type: 'pfsense', name: 'Pinned', settings: settings('CaptivePortal-pinned', '192.0.2.1') }, portal.clock());
    await portal.store.addGateway({ id: 'loopback', siteId: portal.site.id, type: 'pfsense', name: 'Loopback', settings: settings('CaptivePortal-loopback', '127.0.0.0/8') }, portal.clock());
    await portal.store.addGateway({ id: 'plain', siteId: portal.site.id, type: 'pfsense', name: 'None mode', settings: { mode: 'none' } }, portal.clock());
  });
  after(() => portal.close());

  const onOff = (nasId: string, extra: Attr[] = []) =>
    [integer(6, 1), integer(40, acctStatus.accountingOn), integer(45, 1), integer(6, 1), ipv4(4, '192.168.1.1'), text(32, nasId), ...extra];
  const loginAttributes = (nasId = cafeNasId): Attr[] => [
    integer(6, 1), text(1, 'g0123456789abcdef0123'), userPassword('whatever-it-is'), ipv4(4, '192.168.1.1'), text(32, nasId),
    text(31, '02:00:00:00:00:01'), integer(61, 15), integer(5, 2000), ipv4(8, '192.168.1.2'),
  ];

  /**
   * Sends a datagram that must be dropped: waits (a bounded while) until the drop is counted under `why`,
   * and checks that no answer came back.
   */
  async function assertDropped(port: 'auth' | 'acct', datagram: Buffer, why: string) {
    const outcome = `dropped: ${why}`;
    const counted = portal.counted(port, outcome);
    const socket = new RadiusSocket(portal.ports[port]);
    try {
      await socket.send(datagram);
      for (let wait = 0; wait < 200 && portal.counted(port, outcome) === counted; wait++) await sleep(10);
      assert.equal(portal.counted(port, outcome), counted + 1, `counted as "${outcome}"`);
      assert.equal(await socket.nextReply(100), null, 'no answer');
    } finally {
      await socket.close();
    }
  }

  it('answers a PAP request made with a wrong secret with a Reject (its password reads as garbage), which that router ignores', async () => {
    const refused = await ask(portal.ports.auth, accessRequest({ secret: wrongSecret, attributes: loginAttributes() }), cafeSecret);
    assert.equal(refused?.code, code.accessReject);
    assert.equal(refused?.authentic, true, 'signed with the router\'s real secret');
    // A zone with the wrong secret never sees an authentic answer: its guest gets pfSense's "could not connect".
    const decided = portal.counted('auth', 'reject');
    const zone = portal.zone({ secret: wrongSecret, timeoutMs: 200 });
    const { answer } = await zone.guestLogsIn({ mac: '02:00:00:00:00:31', ip: '192.168.1.31' });
    assert.equal(answer.message, 'Error : could not connect to authentication server.');
    assert.equal(zone.exchanges[0].sends, 3, 'three tries');
    assert.equal(portal.counted('auth', 'reject'), decided + 1, 'one decision, the copies answered again');
  });

  it('drops accounting with a wrong secret (its Request Authenticator does not verify)', async () => {
    await assertDropped('acct', accountingRequest({ secret: wrongSecret, attributes: onOff(cafeNasId) }), 'Request Authenticator does not verify (wrong secret)');
    const tampered = accountingRequest({ secret: cafeSecret, attributes: onOff(cafeNasId) });
    tampered[49] ^= 1; // the last octet of NAS-IP-Address
    await assertDropped('acct', tampered, 'Request Authenticator does not verify (wrong secret)');
  });

  it('checks a Message-Authenticator when one is there: a good one is answered, a forged one dropped', async () => {
    const signed = await ask(portal.ports.auth, accessRequest({ secret: cafeSecret, attributes: loginAttributes(), sign: true }), cafeSecret);
    assert.equal(signed?.code, code.accessReject, 'answered (an unknown login)');
    // At the front, as a router may put it.
    const first = await ask(portal.ports.auth, accessRequest({ secret: cafeSecret, attributes: [messageAuthenticator(), ...loginAttributes()] }), cafeSecret);
    assert.equal(first?.code, code.accessReject);
    const why = 'Message-Authenticator does not verify (wrong secret or forged)';
    const forged = accessRequest({ secret: cafeSecret, attributes: loginAttributes(), sign: true });
    forged[forged.length - 3] ^= 0x40;
    await assertDropped('auth', forged, why);
    await assertDropped('auth', accessRequest({ secret: wrongSecret, attributes: loginAttributes(), sign: true }), why);
    // One of the wrong length cannot be checked either.
    await assertDropped('auth', accessRequest({ secret: cafeSecret, attributes: [...loginAttributes(), { type: 80, value: Buffer.alloc(8) }] }), why);

    assert.equal((await ask(portal.ports.acct, accountingRequest({ secret: cafeSecret, attributes: onOff(cafeNasId), sign: true }), cafeSecret))?.code, code.accountingResponse);
    const forgedAccounting = rawPacket(code.accountingRequest, 9, Buffer.alloc(16), [...onOff(cafeNasId), { type: 80, value: Buffer.alloc(16, 7) }]);
    // The Request Authenticator is right; only the Message-Authenticator is forged.
    createHash('md5').update(forgedAccounting).update(cafeSecret).digest().copy(forgedAccounting, 4);
    await assertDropped('acct', forgedAccounting, why);
  });

  it('drops what names no router it knows, or comes from where its router is not', async () => {
    await assertDropped('auth', accessRequest({ secret: cafeSecret, attributes: loginAttributes('CaptivePortal-nowhere') }), 'unknown NAS-Identifier');
    await assertDropped('acct', accountingRequest({ secret: cafeSecret, attributes: onOff('CaptivePortal-nowhere') }), 'unknown NAS-Identifier');
    await assertDropped('auth', accessRequest({ secret: cafeSecret, attributes: loginAttributes().filter((a) => a.type !== 32) }), 'no NAS-Identifier');
    // A router in "None" mode asks no RADIUS server: its id is no NAS-Identifier.
    await assertDropped('acct', accountingRequest({ secret: cafeSecret, attributes: onOff('plain') }), 'unknown NAS-Identifier');
    // Pinned to 192.0.2.1, the same packets from loopback are not its.
    const pinnedWhy = 'from an address the router is not pinned to';
    await assertDropped('auth', accessRequest({ secret: cafeSecret, attributes: loginAttributes('CaptivePortal-pinned') }), pinnedWhy);
    await assertDropped('acct', accountingRequest({ secret: cafeSecret, attributes: onOff('CaptivePortal-pinned') }), pinnedWhy);
    // Pinned to 127.0.0.0/8, they are.
    assert.equal((await ask(portal.ports.acct, accountingRequest({ secret: cafeSecret, attributes: onOff('CaptivePortal-loopback') }), cafeSecret))?.code, code.accountingResponse);
    assert.equal((await ask(portal.ports.auth, accessRequest({ secret: cafeSecret, attributes: loginAttributes('CaptivePortal-loopback') }), cafeSecret))?.code, code.accessReject);
  });

  it('drops malformed datagrams and packets of the wrong kind for the port', async () => {
    const good = accessRequest({ secret: cafeSecret, attributes: loginAttributes() });
    const withLength = (length: number) => {
      const copy = Buffer.from(good);
      copy.writeUInt16BE(length, 2);
      return copy;
    };
    const withOwnLength = (datagram: Buffer) => {
      datagram.writeUInt16BE(datagram.length, 2);
      return datagram;
    };
    const malformed: [string, Buffer][] = [
      ['shorter than a header', good.subarray(0, 19)],
      ['Length beyond the datagram', withLength(good.length + 1)],
      ['Length below a header', withLength(19)],
      ['attribute of length 0', rawPacket(code.accessRequest, 1, Buffer.alloc(16), [text(32, cafeNasId)]).fill(0, 21, 22)],
      ['attribute of length 1', withOwnLength(Buffer.concat([rawPacket(code.accessRequest, 1, Buffer.alloc(16), [text(32, cafeNasId)]), Buffer.from([1, 1])]))],
      ['attribute past the end', withLength(good.length - 1)],
      ['Vendor-Specific too short', rawPacket(code.accessRequest, 1, Buffer.alloc(16), [text(32, cafeNasId), { type: 26, value: Buffer.from([0, 0, 55, 42]) }])],
      ['vendor sub-attribute past its attribute', rawPacket(code.accessRequest, 1, Buffer.alloc(16), [text(32, cafeNasId), { type: 26, value: Buffer.from([0, 0, 55, 42, 4, 9, 1]) }])],
      ['over 4096 octets', Buffer.concat([good, Buffer.alloc(4100)])],
    ];
    for (const [what, datagram] of malformed) {
      await assertDropped('auth', datagram, 'malformed').catch((error: Error) => assert.fail(`${what}: ${error.message}`));
    }
    await assertDropped('acct', good, `code ${code.accessRequest} on this port`);
    await assertDropped('auth', accountingRequest({ secret: cafeSecret, attributes: onOff(cafeNasId) }), `code ${code.accountingRequest} on this port`);
    await assertDropped('auth', rawPacket(code.accessAccept, 1, Buffer.alloc(16), [text(32, cafeNasId)]), `code ${code.accessAccept} on this port`);
    // Octets after Length are padding (RFC 2865 3): the packet is answered.
    const padded = Buffer.concat([good, Buffer.alloc(7)]);
    assert.equal((await ask(portal.ports.auth, padded, cafeSecret))?.code, code.accessReject);
  });

  it('counts every outcome in /metrics', () => {
    const metrics = portal.ctx.metrics.render();
    for (const series of ['port="auth",outcome="reject"', 'port="auth",outcome="resent"', 'port="acct",outcome="response"', 'port="auth",outcome="dropped: malformed"']) {
      assert.match(metrics, new RegExp(`^portico_radius_packets_total\\{${series}\\} [1-9]\\d*$`, 'm'));
    }
  });

  it('logs drops now and then, not once per packet', async () => {
    portal.clock.advance(61_000);
    const { lines } = await captureLog(async () => {
      for (let packet = 0; packet < 5; packet++) await assertDropped('auth', Buffer.alloc(10), 'malformed');
    });
    assert.equal(lines.match(/radius packet dropped: malformed/g)?.length, 1, lines);
    assert.match(lines, /port=auth source=127\.0\.0\.1/);
  });

  it('takes bytes only as a link could carry them, and answers the Interim-Update all the same', async () => {
    const zone = portal.zone();
    const { answer } = await zone.guestLogsIn({ mac: '02:00:00:00:00:41', ip: '192.168.1.41' });
    const session = answer.session!;
    portal.clock.advance(sweepIntervalMs);
    zone.traffic(session, { upload: 1000, download: 2000 });
    await zone.sweep();
    portal.clock.advance(sweepIntervalMs);
    // 2 TB in a minute is more than 10 Gbit/s: not stored.
    zone.traffic(session, { download: 2e12 });
    assert.equal((await zone.interim(session))?.code, code.accountingResponse);
    const row = await portal.store.findGuestSession('cafe', session.sessionId);
    assert.deepEqual([row?.bytesIn, row?.bytesOut], [2000, 1000]);
  });

  it('hears routers added or changed while it runs', async () => {
    const secret = 'hall-radius-secret-0123456789';
    const before = await ask(portal.ports.acct, accountingRequest({ secret, attributes: onOff('hall') }), secret, { timeoutMs: 200, tries: 1 });
    assert.equal(before, null, 'not a router yet');
    // The owner adds it from the command line (another process's connection) while Portico runs.
    const added = await runCli(['gateway', 'add', '--type', 'pfsense', '--id', 'hall', '--mode', 'radius', '--radius-secret', secret], { dataDir: portal.dataDir, publicUrl: 'http://portal.test/' });
    assert.equal(added.code, 0, added.err);
    const setup = await runCli(['gateway', 'setup', 'hall'], { dataDir: portal.dataDir, publicUrl: 'http://portal.test/' });
    assert.match(setup.out, new RegExp(secret));
    assert.equal((await ask(portal.ports.acct, accountingRequest({ secret, attributes: onOff('hall') }), secret))?.code, code.accountingResponse);

    // A new secret takes over at once.
    const renewed = 'hall-renewed-secret-0123456789';
    await portal.store.setGatewaySettings('hall', { mode: 'radius', radiusSecret: renewed });
    await assertDropped('acct', accountingRequest({ secret, attributes: onOff('hall') }), 'Request Authenticator does not verify (wrong secret)');
    assert.equal((await ask(portal.ports.acct, accountingRequest({ secret: renewed, attributes: onOff('hall') }), renewed))?.code, code.accountingResponse);

    // A NAS Identifier of the owner's choosing is found within the few seconds the list of them is trusted.
    await portal.store.setGatewaySettings('hall', { mode: 'radius', radiusSecret: renewed, nasId: 'Hall-Zone' });
    let reply = null;
    for (let attempt = 0; attempt < 40 && !reply; attempt++) {
      reply = await ask(portal.ports.acct, accountingRequest({ secret: renewed, attributes: onOff('Hall-Zone') }), renewed, { timeoutMs: 250, tries: 1 });
    }
    assert.equal(reply?.code, code.accountingResponse);
    await assertDropped('acct', accountingRequest({ secret: renewed, attributes: onOff('hall') }), 'unknown NAS-Identifier');
  });
});
