import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodePacket } from '../../app/radius/packet';
import { lastAcceptance, runCli } from '../helpers';
import { findInteger, findText } from '../sim/radius-client';
import { acctStatus, sweepIntervalMs, terminateCause, type Exchange, type MacFormat } from '../sim/pfsense-radius';
import { radiusPortal, type RadiusPortal } from './radius-portal';

let guests = 0;
/** A guest of its own for each test: pfSense keys sessions by IP, Portico's by MAC. */
function nextGuest() {
  guests++;
  return { mac: `02:11:22:33:44:${guests.toString(16).padStart(2, '0')}`, ip: `192.168.1.${100 + guests}` };
}

const typesOf = (exchange: Exchange) => decodePacket(exchange.datagram).attributes.map((a) => a.type);
const wisprVendor = 14122;

describe('pfSense in RADIUS mode: a simulated zone, the guest\'s browser and Portico\'s RADIUS server', () => {
  let portal: RadiusPortal;
  before(async () => {
    portal = await radiusPortal();
    await portal.store.updateSite(portal.site.id, { sessionMinutes: 60 });
  });
  after(() => portal.close());

  const stored = (sessionId: string) => portal.store.findGuestSession('cafe', sessionId);
  const today = () => new Date(portal.clock()).toISOString().slice(0, 10);
  const statistics = () => portal.store.statistics({ siteId: portal.site.id, fromDay: today(), toDay: today(), gatewayId: 'cafe', now: portal.clock() });

  it('lets in a guest who accepted, then keeps the session from Start to Stop with its bytes', async () => {
    const zone = portal.zone();
    const before = await statistics();
    assert.equal((await zone.accountingOn())?.code, 5, 'Accounting-On is answered');

    const guest = nextGuest();
    const { form, location, answer } = await zone.guestLogsIn(guest);
    // The browser re-posted the accept form to $PORTAL_ACTION$ (307: same method, same body) with the one-time login in it.
    assert.equal(location, 'http://192.168.1.1:8002/index.php?zone=guest');
    assert.deepEqual([...new Set(form.keys())].sort(), ['accept', 'auth_pass', 'auth_user', 'redirurl', 'state', 'zone']);
    assert.match(form.get('auth_user')!, /^g[0-9a-f]{20}$/);
    assert.match(form.get('auth_pass')!, /^[\w-]{22}$/);

    // pfSense asked, got the Accept, sent the Start and only then sent the browser to the WISPr-Redirection-URL.
    const [login, start] = zone.exchanges.slice(-2);
    assert.equal(login.port, 'auth');
    assert.equal(login.reply?.code, 2, 'Access-Accept');
    assert.equal(findInteger(login.reply!, 27), 3600, 'Session-Timeout: the venue\'s session length');
    assert.equal(findInteger(login.reply!, 85), 60, 'Acct-Interim-Interval');
    assert.equal(findInteger(login.reply!, 28), 1800, 'Idle-Timeout');
    assert.equal(findText(login.reply!, 4, wisprVendor), `http://portal.test/online/${portal.site.id}`);
    assert.equal(findText(login.reply!, 9, wisprVendor), `${new Date(portal.clock() + 3600_000).toISOString().slice(0, 19)}+00:00`);
    assert.equal(start.port, 'acct');
    assert.equal(decodePacket(start.datagram).attributes.find((a) => a.type === 40)?.value.readUInt32BE(0), acctStatus.start);
    assert.equal(start.reply?.code, 5, 'Accounting-Response to the Start');
    assert.equal(answer.status, 302);
    assert.equal(answer.location, `http://portal.test/online/${portal.site.id}`);

    const session = answer.session!;
    const acceptance = await lastAcceptance(portal.store);
    let row = await stored(session.sessionId);
    assert.equal(row?.startedAt, portal.clock());
    assert.equal(row?.acceptanceId, acceptance?.id, 'the session is the acceptance\'s');
    assert.equal(row?.clientMac, guest.mac);
    assert.equal((await statistics()).onlineNow, before.onlineNow + 1);

    // A minute on: the sweep's Interim-Update, past 4 GiB downloaded (Octets wrap, Gigawords count).
    portal.clock.advance(sweepIntervalMs);
    zone.traffic(session, { upload: 3_000_123, download: 5 * 2 ** 32 + 4567 });
    await zone.sweep();
    const interim = zone.exchanges.at(-1)!;
    assert.equal(interim.reply?.code, 5);
    assert.equal(decodePacket(interim.datagram).attributes.find((a) => a.type === 43)?.value.readUInt32BE(0), 4567, 'Acct-Output-Octets mod 2^32');
    row = await stored(session.sessionId);
    assert.deepEqual([row?.bytesIn, row?.bytesOut], [5 * 2 ** 32 + 4567, 3_000_123], 'in = to the guest (Output), out = from the guest (Input)');

    // The guest presses Disconnect half a minute later: Stop with User-Request and the final counters.
    portal.clock.advance(30_000);
    zone.traffic(session, { upload: 1000, download: 2000 });
    assert.equal((await zone.logout(session))?.code, 5);
    row = await stored(session.sessionId);
    assert.equal(row?.endedAt, portal.clock());
    assert.equal(row?.endReason, 'logout');
    assert.deepEqual([row?.bytesIn, row?.bytesOut], [5 * 2 ** 32 + 6567, 3_001_123]);

    const after = await statistics();
    assert.equal(after.sessions, before.sessions + 1);
    assert.equal(after.endedSessions, before.endedSessions + 1);
    assert.equal(after.onlineNow, before.onlineNow);
    assert.equal(after.bytes - before.bytes, 5 * 2 ** 32 + 6567 + 3_001_123);

    // The owner's `stats --json` for the router says the same, and the router is up: it sends accounting.
    const cli = await runCli(['stats', '--json', '--gateway', 'cafe'], { dataDir: portal.dataDir, now: portal.clock });
    assert.equal(cli.code, 0, cli.err);
    const figures = JSON.parse(cli.out) as { sessions: number; endedSessions: number; bytes: number; onlineNow: number; averageSessionSeconds: number; routers: { id: string; status: string }[] };
    assert.deepEqual([figures.sessions, figures.endedSessions, figures.bytes, figures.onlineNow], [after.sessions, after.endedSessions, after.bytes, after.onlineNow]);
    if (before.endedSessions === 0) assert.equal(figures.averageSessionSeconds, 90);
    assert.equal(figures.routers.find((router) => router.id === 'cafe')?.status, 'up');

    // Every reply carried a Message-Authenticator made with the router's secret.
    assert.ok(zone.exchanges.length >= 5);
    for (const exchange of zone.exchanges) assert.equal(exchange.reply?.messageAuthenticator, 'valid', `reply to ${typesOf(exchange)}`);
  });

  it('sends the reference\'s packets: attributes in pfSense\'s order, Service-Type twice in accounting', async () => {
    const zone = portal.zone();
    const { answer } = await zone.guestLogsIn(nextGuest());
    const session = answer.session!;
    portal.clock.advance(sweepIntervalMs);
    await zone.sweep();
    await zone.stop(session, terminateCause.adminReset);
    await zone.accountingOff();
    const [login, start, interim, stop, off] = zone.exchanges.slice(-5);
    assert.deepEqual(typesOf(login), [6, 1, 2, 4, 32, 31, 30, 61, 5, 8]);
    const accounting = [6, 1, 40, 45, 6, 4, 32, 61, 5, 44, 8, 31, 30];
    const counters = [47, 42, 48, 43, 46, 53, 52];
    assert.deepEqual(typesOf(start), accounting);
    assert.deepEqual(typesOf(interim), [...accounting, ...counters]);
    assert.deepEqual(typesOf(stop), [...accounting, ...counters, 49]);
    assert.deepEqual(typesOf(off), [6, 40, 45, 6, 4, 32, 30]);
    assert.equal(decodePacket(login.datagram).attributes.find((a) => a.type === 5)?.value.readUInt32BE(0), 2000, 'NAS-Port: the first free pipe');
    assert.match(decodePacket(start.datagram).attributes.find((a) => a.type === 44)!.value.toString(), /^[0-9a-f]{16}$/);
    assert.equal(decodePacket(login.datagram).attributes.find((a) => a.type === 30)!.value.toString(), '00:08:a2:0c:11:22:pfSense.home.arpa');
    for (const exchange of [login, start, interim, stop, off]) assert.equal(exchange.reply?.code, exchange.port === 'auth' ? 2 : 5);
    assert.equal((await stored(session.sessionId))?.endReason, 'admin');
  });

  it('logs in with MD5-CHAP, and with every MAC address format of the zone', async () => {
    const chap = portal.zone({ protocol: 'CHAP_MD5' });
    const { answer } = await chap.guestLogsIn(nextGuest());
    assert.equal(answer.status, 302, answer.message);
    assert.deepEqual(typesOf(chap.exchanges[0]), [6, 1, 3, 60, 4, 32, 31, 30, 61, 5, 8]);
    for (const macFormat of ['single-dash', 'ietf', 'cisco', 'unformatted'] as MacFormat[]) {
      const zone = portal.zone({ macFormat });
      const guest = nextGuest();
      const login = await zone.guestLogsIn(guest);
      assert.equal(login.answer.status, 302, `${macFormat}: ${login.answer.message}`);
      assert.equal((await stored(login.answer.session!.sessionId))?.clientMac, guest.mac, macFormat);
    }
  });

  it('keeps the session of a guest pfSense knows no MAC of (a routed guest network, MAC filtering off)', async () => {
    const zone = portal.zone({ disableMacFiltering: true });
    const guest = { mac: '', ip: `10.20.0.${guests++}` };
    const { answer } = await zone.guestLogsIn(guest);
    assert.equal(answer.status, 302, answer.message);
    const [login, start] = zone.exchanges;
    assert.deepEqual(typesOf(login), [6, 1, 2, 4, 32, 30, 61, 5, 8], 'no Calling-Station-Id');
    assert.equal(start.reply?.code, 5);
    const session = answer.session!;
    let row = await stored(session.sessionId);
    assert.equal(row?.startedAt, portal.clock(), 'the session started');
    assert.equal(row?.clientMac, null);
    portal.clock.advance(sweepIntervalMs);
    zone.traffic(session, { upload: 10, download: 20 });
    await zone.logout(session);
    row = await stored(session.sessionId);
    assert.deepEqual([row?.endReason, row?.bytesIn, row?.bytesOut], ['logout', 20, 10]);
  });

  it('ends the session when its Session-Timeout is over, at the sweep after it', async () => {
    const zone = portal.zone();
    const { answer } = await zone.guestLogsIn(nextGuest());
    const session = answer.session!;
    assert.equal(session.sessionTimeout, 3600);
    for (let minute = 1; minute < 60; minute++) {
      portal.clock.advance(sweepIntervalMs);
      await zone.sweep();
    }
    assert.equal((await stored(session.sessionId))?.endedAt, null, 'still online after 59 minutes');
    portal.clock.advance(sweepIntervalMs);
    await zone.sweep();
    const stop = zone.exchanges.at(-1)!;
    assert.equal(decodePacket(stop.datagram).attributes.find((a) => a.type === 49)?.value.readUInt32BE(0), terminateCause.sessionTimeout);
    const row = await stored(session.sessionId);
    assert.equal(row?.endReason, 'session_length');
    assert.equal(row?.endedAt, portal.clock());
    assert.equal(zone.sessions.size, 0);
  });

  it('re-authentication: accepted with the seconds left within the session length, refused past it', async () => {
    // "Reauthenticate connected users every minute" on, Session-Timeout not honoured: Portico's Reject ends the session.
    const zone = portal.zone({ reauthenticate: true, useSessionTimeout: false });
    const { answer } = await zone.guestLogsIn(nextGuest());
    const session = answer.session!;
    portal.clock.advance(sweepIntervalMs);
    await zone.sweep();
    const reauth = zone.exchanges.at(-1)!;
    assert.equal(reauth.port, 'auth');
    assert.equal(reauth.reply?.code, 2);
    assert.equal(findInteger(reauth.reply!, 27), 3600 - 60, 'Session-Timeout: the seconds left');
    assert.equal(decodePacket(reauth.datagram).attributes.find((a) => a.type === 5)?.value.readUInt32BE(0), session.pipe);

    portal.clock.advance(59 * sweepIntervalMs - 1000);
    await zone.sweep();
    assert.equal(zone.exchanges.at(-1)!.reply?.code, 2, 'a second before the end');
    assert.equal(findInteger(zone.exchanges.at(-1)!.reply!, 27), 1);
    portal.clock.advance(1000);
    await zone.sweep();
    const [refused, stop] = zone.exchanges.slice(-2);
    assert.equal(refused.reply?.code, 3);
    assert.ok(findText(refused.reply!, 18));
    assert.equal(decodePacket(stop.datagram).attributes.find((a) => a.type === 49)?.value.readUInt32BE(0), terminateCause.userError);
    assert.ok((await stored(session.sessionId))?.endedAt, 'the session is over on both sides');
    assert.equal(zone.sessions.size, 0);
  });

  it('refuses a login that reaches pfSense too late, with the Reply-Message in the guest\'s language', async () => {
    const zone = portal.zone();
    const guest = nextGuest();
    const { form, location } = await zone.guestAccepts(guest, { lang: 'de' });
    portal.clock.advance(5 * 60_000 + 1);
    const answer = await zone.indexPhp(location, form.toString(), guest);
    assert.equal(answer.status, 200);
    assert.equal(answer.message, 'Diese WLAN-Anmeldung ist abgelaufen oder wurde schon benutzt. Öffnen Sie eine beliebige Website, um die Bedingungen erneut zu sehen.');
    assert.equal(zone.exchanges.at(-1)?.reply?.messageAuthenticator, 'valid');
    assert.equal(zone.sessions.size, 0, 'not online');
  });

  it('Accounting-On and -Off end every session the router had open', async () => {
    const zone = portal.zone();
    const first = (await zone.guestLogsIn(nextGuest())).answer.session!;
    const second = (await zone.guestLogsIn(nextGuest())).answer.session!;
    assert.equal(second.pipe, first.pipe + 2);
    portal.clock.advance(sweepIntervalMs);
    // pfSense restarted its zone (a rule reload): its sessions are gone without a Stop.
    assert.equal((await zone.accountingOn())?.code, 5);
    for (const session of [first, second]) assert.equal((await stored(session.sessionId))?.endReason, 'router_restart');
    assert.equal((await portal.store.liveGuestSessions('cafe')).length, 0);

    const third = (await portal.zone().guestLogsIn(nextGuest())).answer.session!;
    assert.equal((await zone.accountingOff())?.code, 5);
    const row = await stored(third.sessionId);
    assert.equal(row?.endReason, 'router_restart');
    assert.equal(row?.endedAt, portal.clock());

    // A reboot: a Stop with Admin-Reboot for each session, then Accounting-Off.
    const rebooting = portal.zone();
    const fourth = (await rebooting.guestLogsIn(nextGuest())).answer.session!;
    assert.equal((await rebooting.reboot())?.code, 5);
    assert.equal((await stored(fourth.sessionId))?.endReason, 'router_restart');
  });
});
