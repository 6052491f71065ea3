import { randomBytes } from 'node:crypto';
import { hashToken } from '../../app/gateways/wifidog';
import { deviceIdFor } from '../../app/device-id';
import type { TestPortal } from '../helpers';
import { describeAcceptance } from '../../app/acceptance-record';

/** A guest's token for router `gatewayId`, issued as after an acceptance, not yet confirmed by the router. */
export async function issuedToken(portal: TestPortal, gatewayId: string, guest: { mac: string | null; ip: string }): Promise<string> {
  const terms = (await portal.store.currentTerms(portal.site.id))!;
  const deviceId = guest.mac === null ? null : deviceIdFor(portal.ctx.keys.deviceId, guest.mac);
  const acceptance = await portal.store.recordAcceptance(describeAcceptance(portal.site, {
    acceptedAt: portal.clock(), gatewayId, termsVersionId: terms.id, deviceId, clientMac: guest.mac, clientIp: guest.ip,
    userAgent: 'test', language: 'en', handoff: 'wifidog http://10.99.0.1:2060',
  }));
  const token = randomBytes(24).toString('base64url');
  await portal.store.openGuestSession({
    gatewayId, sessionKey: hashToken(token), acceptanceId: acceptance.id, siteId: portal.site.id, deviceId,
    clientMac: guest.mac, clientIp: guest.ip, startBy: portal.clock() + 60_000,
  });
  return token;
}

export function authQuery(stage: string, gatewayId: string, guest: { mac: string; ip: string }, token: string, bytes = { in: 0, out: 0 }): string {
  return `/wifidog/auth/?stage=${stage}&ip=${guest.ip}&mac=${guest.mac}&token=${token}&incoming=${bytes.in}&outgoing=${bytes.out}&gw_id=${gatewayId}`;
}
