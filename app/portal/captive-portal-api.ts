import { publicLink } from '../config';
import type { Context } from '../context';
import type { Answer, Exchange } from '../endpoint';
import { HttpError } from '../errors';
import { guestView } from '../guest/guest-view';
import { plainAddress } from '../network-address';
import type { Site } from '../store/types';
import { venueNamedInPath } from '../venue-settings';

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

/** The venue of /api/captive-portal/<venue id> (and /portal/<venue id>); without an id, the first venue, as before venues. */
async function venueOf(ctx: Context, exchange: Exchange): Promise<Site> {
  const id = exchange.params.siteId;
  if (id === undefined) {
    const site = await ctx.store.getDefaultSite();
    if (!site) throw new HttpError(503, 'No venue is set up yet.');
    return site;
  }
  const site = await venueNamedInPath(ctx.store, id);
  if (!site) throw new HttpError(404, 'There is no venue at this address.');
  return site;
}

/** The API and its user portal page (their URLs: edge/endpoints.ts). */
export interface CaptivePortal {
  api(exchange: Exchange): Promise<Answer>;
  portal(exchange: Exchange): Promise<Answer>;
}

export function captivePortal(ctx: Context): CaptivePortal {
  async function api(exchange: Exchange): Promise<Answer> {
    const site = await venueOf(ctx, exchange);
    const seconds = await secondsOnline(ctx, site, plainAddress(exchange.ip));
    const body = {
      captive: seconds === null,
      'user-portal-url': publicLink(ctx.config, exchange.params.siteId === undefined ? 'portal' : `portal/${site.id}`),
      'venue-info-url': site.websiteUrl,
      ...(seconds === null ? {} : { 'seconds-remaining': seconds, 'can-extend-session': false }),
    };
    return { headers: { 'Content-Type': 'application/captive+json', 'Cache-Control': 'private' }, body: JSON.stringify(body) };
  }

  // The API's user-portal-url. The terms page itself needs the router's parameters, so a captive
  // guest is told to open any website (the router then shows the terms); an online one sees the online page.
  async function portal(exchange: Exchange): Promise<Answer> {
    const site = await venueOf(ctx, exchange);
    const online = await secondsOnline(ctx, site, plainAddress(exchange.ip)) !== null;
    return guestView(exchange, online ? 'guest/online' : 'guest/portal', site, { preview: false });
  }

  return { api, portal };
}
