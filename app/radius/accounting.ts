import type { Context } from '../context';
import { deviceIdFor } from '../device-id';
import { log, maskMac } from '../log';
import { plausibleCounters } from '../session-counters';
import type { GuestSession, GuestSessionEndReason } from '../store/types';
import { localCalendar } from '../venue-time';
import { interimSeconds, stationMac } from './access';
import { findLogin } from './credentials';
import { acctStatus, address, attribute, integer, terminateCauses, text } from './attributes';
import type { Packet } from './packet';
import type { RadiusRouter } from './routers';

/** A session whose router missed this many interim updates is no longer counted online (as with WiFiDog's checks). */
const updatesMissedBeforeGone = 3;
const reportDueMs = updatesMissedBeforeGone * interimSeconds * 1000;

/** How each Acct-Terminate-Cause reads as the end of a guest session. */
function endReason(cause: number | undefined): GuestSessionEndReason {
  switch (cause) {
    case 1: return 'logout';
    case 4: return 'idle';
    // pfSense's User-Error: its re-authentication was refused, which Portico does once the session length is over.
    case 5: case 17: return 'session_length';
    case 6: return 'admin';
    case 7: case 11: return 'router_restart';
    default: return 'router';
  }
}

/** Octets and gigawords as one count (RFC 2869 5.1, 5.2), or undefined without the octets. */
function octets(request: Packet, low: number, high: number): number | undefined {
  const lower = integer(request, low);
  return lower === undefined ? undefined : (integer(request, high) ?? 0) * 2 ** 32 + lower;
}

/**
 * Bytes as Portico counts them: in = to the guest (the router's Output), out = from the guest (Input),
 * the way both pfSense (without "Invert") and CoovaChilli count; undefined without both.
 */
function reportedBytes(request: Packet): { in: number; out: number } | undefined {
  const toGuest = octets(request, attribute.acctOutputOctets, attribute.acctOutputGigawords);
  const fromGuest = octets(request, attribute.acctInputOctets, attribute.acctInputGigawords);
  return toGuest === undefined || fromGuest === undefined ? undefined : { in: toGuest, out: fromGuest };
}

async function start(ctx: Context, router: RadiusRouter, request: Packet, sessionKey: string) {
  const username = text(request, attribute.userName)?.slice(0, 64) ?? '';
  const credential = await findLogin(ctx, username);
  if (!credential || credential.gatewayId !== router.gateway.id || credential.acceptedAt === null) {
    log.warn('radius accounting start for no login Portico accepted on this router', { gateway: router.gateway.id });
    return;
  }
  const site = await ctx.store.getSite(credential.siteId);
  if (!site) return;
  const now = ctx.now();
  const mac = stationMac(text(request, attribute.callingStationId)) ?? credential.clientMac;
  const ip = address(request, attribute.framedIpAddress) ?? credential.clientIp;
  const deviceMac = credential.clientMac ?? mac;
  await ctx.store.openGuestSession({
    gatewayId: router.gateway.id, sessionKey, acceptanceId: credential.acceptanceId, siteId: site.id,
    deviceId: deviceMac ? deviceIdFor(ctx.keys.deviceId, deviceMac) : null, clientMac: credential.clientMac,
    clientIp: credential.clientIp, startBy: now + 60_000,
  });
  // A guest pfSense let in without a MAC (MAC filtering off, a routed guest network) has none in its login nor here.
  const session = await ctx.store.startGuestSession({
    gatewayId: router.gateway.id, sessionKey, clientMac: mac, clientIp: ip, at: now, localDay: localCalendar(now, site.timezone).day, reportDueAt: now + reportDueMs,
  });
  if (!session) {
    log.warn('radius accounting start from another device than the login was issued to', { gateway: router.gateway.id, mac: maskMac(mac) });
    return;
  }
  await ctx.store.linkRadiusSession(username, sessionKey);
  log.info('guest online', { gateway: router.gateway.id, session: session.id, mac: maskMac(mac) });
}

function countedBytes(session: GuestSession, request: Packet, now: number) {
  const bytes = reportedBytes(request);
  if (!bytes || plausibleCounters(session, bytes, now)) return bytes;
  log.warn('radius counters not stored: more than the link could carry, or going backwards', { gateway: session.gatewayId, session: session.id });
  return undefined;
}

/** Acts on an Accounting-Request from a known router; the router gets its Accounting-Response whatever this finds. */
export async function recordAccounting(ctx: Context, router: RadiusRouter, request: Packet): Promise<void> {
  const status = integer(request, attribute.acctStatusType);
  const now = ctx.now();
  if (status === acctStatus.accountingOn || status === acctStatus.accountingOff) {
    // The router started or stops: whatever it had online is gone.
    const live = await ctx.store.liveGuestSessions(router.gateway.id);
    for (const session of live) await ctx.store.endGuestSession(session.id, 'router_restart', now);
    log.info(`radius accounting ${status === acctStatus.accountingOn ? 'on' : 'off'}: the router's sessions ended`, { gateway: router.gateway.id, sessions: live.length });
    return;
  }
  const sessionKey = text(request, attribute.acctSessionId)?.slice(0, 64);
  if (!sessionKey) return;
  if (status === acctStatus.start) return start(ctx, router, request, sessionKey);

  const session = await ctx.store.findGuestSession(router.gateway.id, sessionKey);
  if (!session || session.startedAt === null || session.endedAt !== null) return;
  const bytes = countedBytes(session, request, now);
  if (status === acctStatus.interimUpdate) {
    await ctx.store.recordSessionReport(session.id, bytes, now, now + reportDueMs);
  } else if (status === acctStatus.stop) {
    const cause = integer(request, attribute.acctTerminateCause);
    await ctx.store.endGuestSession(session.id, endReason(cause), now, bytes);
    log.info('guest session ended', { gateway: router.gateway.id, session: session.id, cause: terminateCauses[cause ?? 0] ?? String(cause) });
  }
}
