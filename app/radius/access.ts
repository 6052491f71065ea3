import { timingSafeEqual } from 'node:crypto';
import type { Context } from '../context';
import { guestErrorWords } from '../guest/error-messages';
import { onlinePageUrl } from '../guest/guest-view';
import type { RadiusCredential, Site } from '../store/types';
import { address, attribute, find, integerAttribute, text, textAttribute, vendor, wispr } from './attributes';
import { findLogin, passwordFor } from './credentials';
import { chapMatches, revealPassword, type Attribute, type Packet } from './packet';
import type { RadiusRouter } from './routers';

export interface AccessDecision {
  accept: boolean;
  attributes: Attribute[];
  /** For the log: why, in English. */
  reason: string;
}

/** Every RADIUS router reports at least this often while a guest is online (CoovaChilli ignores less; pfSense sends every minute at it). */
export const interimSeconds = 60;
/** An idle guest's session ends after this, as the pfSense setup asks of the zone. */
const idleSeconds = 30 * 60;
const rejectMessage = 'This Wi-Fi login has expired or was already used. Open any website to see the terms again.';

/** A MAC in any of pfSense's formats (00:11:…, 001122-334455, 00-11-…, 0011.2233.4455, 001122334455) or CoovaChilli's, lower-case colon form. */
export function stationMac(text: string | undefined): string | null {
  const digits = text?.replace(/[-:.]/g, '') ?? '';
  return /^[0-9a-f]{12}$/i.test(digits) ? digits.toLowerCase().match(/../g)!.join(':') : null;
}

/** Whether the request carries this login's password: PAP's hidden User-Password or a CHAP-Password over its challenge. */
function passwordMatches(request: Packet, router: RadiusRouter, password: Buffer): boolean {
  const hidden = find(request, attribute.userPassword);
  if (hidden) {
    const given = revealPassword(hidden, router.secret, request.authenticator);
    return given !== null && given.length === password.length && timingSafeEqual(given, password);
  }
  const chap = find(request, attribute.chapPassword);
  // RFC 2865 5.3: without a CHAP-Challenge the Request Authenticator is the challenge.
  return chap !== undefined && chapMatches(chap, find(request, attribute.chapChallenge) ?? request.authenticator, password);
}

/** WISPr's time format (ISO 8601 with an offset), which pfSense's strtotime and CoovaChilli both read. */
function wisprTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}

function accept(ctx: Context, site: Site, endsAt: number, reason: string): AccessDecision {
  const secondsLeft = Math.max(1, Math.ceil((endsAt - ctx.now()) / 1000));
  return {
    accept: true, reason,
    attributes: [
      integerAttribute(attribute.sessionTimeout, secondsLeft),
      integerAttribute(attribute.idleTimeout, Math.min(idleSeconds, secondsLeft)),
      integerAttribute(attribute.acctInterimInterval, interimSeconds),
      textAttribute(wispr.sessionTerminateTime, wisprTime(endsAt), vendor.wispr),
      // Where pfSense sends the browser after the login: the "You're online" page, which links to the venue website.
      textAttribute(wispr.redirectionUrl, onlinePageUrl(ctx.config, site), vendor.wispr),
    ],
  };
}

function reject(language: string, reason: string): AccessDecision {
  return { accept: false, reason, attributes: [textAttribute(attribute.replyMessage, guestErrorWords({ title: '', message: rejectMessage }, language, undefined).message)] };
}

/** Whether the request names the router, MAC and IP the login was issued for. */
function sameGuest(request: Packet, router: RadiusRouter, credential: RadiusCredential): boolean {
  if (credential.gatewayId !== router.gateway.id) return false;
  if (address(request, attribute.framedIpAddress) !== credential.clientIp) return false;
  // A login issued without a MAC (pfSense's ARP lookup failed) takes any; one with a MAC needs it.
  return credential.clientMac === null || stationMac(text(request, attribute.callingStationId)) === credential.clientMac;
}

/**
 * The answer to an Access-Request from a known router: Accept for a fresh one-time login from the guest
 * it was issued to, or for that guest's re-authentication while its session is open and within the
 * venue's session length; Reject for everything else.
 */
export async function decideAccess(ctx: Context, router: RadiusRouter, request: Packet): Promise<AccessDecision> {
  const username = text(request, attribute.userName)?.slice(0, 64) ?? '';
  const credential = await findLogin(ctx, username);
  const site = await ctx.store.getSite(router.gateway.siteId);
  const language = credential?.language ?? site?.defaultLanguage ?? 'en';
  if (!credential || !site) return reject(language, 'unknown login');
  if (!passwordMatches(request, router, Buffer.from(passwordFor(ctx, username)))) return reject(language, 'wrong password');
  if (!sameGuest(request, router, credential)) return reject(language, 'login issued to another router or device');
  const sessionMs = site.sessionMinutes * 60_000;
  const now = ctx.now();

  if (credential.acceptedAt === null) {
    if (await ctx.store.acceptRadiusCredential(username, now)) return accept(ctx, site, now + sessionMs, 'first use');
    return reject(language, now > credential.useBy ? 'login not used in time' : 'login used at the same moment elsewhere');
  }
  // pfSense's "Reauthenticate connected users every minute": the login keeps working for its own open session only.
  const session = credential.sessionKey === null ? undefined : await ctx.store.findGuestSession(router.gateway.id, credential.sessionKey);
  if (!session || session.startedAt === null || session.endedAt !== null) return reject(language, 'login already used, and its session is not open');
  const endsAt = credential.acceptedAt + sessionMs;
  if (now >= endsAt) return reject(language, 'session length over');
  return accept(ctx, site, endsAt, 're-authentication');
}
