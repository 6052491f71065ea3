import { createHmac } from 'node:crypto';
import type { Context } from '../context';
import type { Acceptance, Gateway } from '../store/types';

/*
 * The one-time RADIUS login a guest's acceptance issues. Its user name comes from the terms page's
 * nonce (unique per page, so a page accepted twice gives the same login) and its password from the
 * user name, both with the installation's key: the page can carry them before anything is stored,
 * the RADIUS server can check CHAP (which needs the password itself), and no password is kept.
 */

/** Long enough for the browser's round trip to the router and the router's to us, short enough that a copied page is useless. */
export const loginUsableMs = 5 * 60 * 1000;

const keyPurpose = 'radius-login';

function hmac(ctx: Context, text: string): Buffer {
  return createHmac('sha256', ctx.driverKey(keyPurpose)).update(text).digest();
}

/** The login for a terms page's nonce: user name `g` + 20 hex digits (80 bits), password 22 characters (128 bits). */
export function loginFor(ctx: Context, nonce: string): { username: string; password: string } {
  const username = `g${hmac(ctx, `user ${nonce}`).toString('hex').slice(0, 20)}`;
  return { username, password: passwordFor(ctx, username) };
}

/** The login a request names, if it has the shape of one Portico issues (any other name costs no lookup). */
export async function findLogin(ctx: Context, username: string) {
  return /^g[0-9a-f]{20}$/.test(username) ? ctx.store.findRadiusCredential(username) : undefined;
}

export function passwordFor(ctx: Context, username: string): string {
  return hmac(ctx, `password ${username}`).toString('base64url').slice(0, 22);
}

/** Stores the login for an acceptance on a RADIUS router, bound to the router and the guest's addresses. */
export async function issueLogin(ctx: Context, gateway: Gateway, acceptance: Acceptance, nonce: string, guest: { mac: string | null; ip: string }) {
  const login = loginFor(ctx, nonce);
  const now = ctx.now();
  await ctx.store.issueRadiusCredential({
    username: login.username, gatewayId: gateway.id, acceptanceId: acceptance.id, siteId: acceptance.siteId,
    clientMac: guest.mac, clientIp: guest.ip, language: acceptance.language, issuedAt: now, useBy: now + loginUsableMs,
  });
  return login;
}
