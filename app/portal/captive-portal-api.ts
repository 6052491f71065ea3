import { publicLink } from '../config';
import type { Context } from '../context';
import type { Answer, Exchange } from '../endpoint';
import { HttpError } from '../errors';
import { guestView } from '../guest/guest-view';
import { plainAddress } from '../network-address';
import type { Site } from '../store/types';

/*
 * RFC 8908 Captive Portal API. Phones (iOS 14+, macOS 11+) learn its URL from DHCP option 114
 * (RFC 8910) and ask it whether they are captive, instead of guessing from a probe.
 */

/** Seconds of the session left for this address, or null while it is captive. */
export async function secondsOnline(ctx: Context, site: Site, ip: string): Promise<number | null> {
  const sessionMs = site.sessionMinutes * 60_000;
  const now = ctx.now();
  // Routers that report sessions: a started, un-ended session. Others: an acceptance.
  const since = await ctx.store.liveSessionStartByIp(site.id, ip, now)
    ?? await ctx.store.lastUnreportedAcceptanceByIp(site.id, ip, now - sessionMs);
  if (since === undefined) return null;
  const remaining = Math.floor((since + sessionMs - now) / 1000);
  return remaining > 0 ? remaining : null;
}

async function defaultSite(ctx: Context): Promise<Site> {
  const site = await ctx.store.getDefaultSite();
  if (!site) throw new HttpError(503, 'No venue is set up yet.');
  return site;
}

/** The API and its user portal page (their URLs: edge/endpoints.ts). */
export interface CaptivePortal {
  api(exchange: Exchange): Promise<Answer>;
  portal(exchange: Exchange): Promise<Answer>;
}

export function captivePortal(ctx: Context): CaptivePortal {
  const userPortalUrl = publicLink(ctx.config, 'portal');

  async function api({ ip }: Exchange): Promise<Answer> {
    const site = await defaultSite(ctx);
    const seconds = await secondsOnline(ctx, site, plainAddress(ip));
    const body = {
      captive: seconds === null,
      'user-portal-url': userPortalUrl,
      'venue-info-url': site.websiteUrl,
      ...(seconds === null ? {} : { 'seconds-remaining': seconds, 'can-extend-session': false }),
    };
    return { headers: { 'Content-Type': 'application/captive+json', 'Cache-Control': 'private' }, body: JSON.stringify(body) };
  }

  // The API's user-portal-url. The terms page itself needs the router's parameters, so a captive
  // guest is told to open any website (the router then shows the terms); an online one sees the online page.
  async function portal(exchange: Exchange): Promise<Answer> {
    const site = await defaultSite(ctx);
    const online = await secondsOnline(ctx, site, plainAddress(exchange.ip)) !== null;
    return guestView(exchange, online ? 'guest/online' : 'guest/portal', site, { preview: false });
  }

  return { api, portal };
}
