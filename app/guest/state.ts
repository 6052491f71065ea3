import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * What the terms page needs to remember until the guest taps Accept. Captive mini-browsers keep no
 * cookies, so it travels in a hidden form field, signed so that the guest cannot change it.
 */
export interface GuestState {
  /** null on the preview, which has no router. */
  gatewayId: string | null;
  termsVersionId: number;
  mac: string | null;
  ip: string | null;
  language: string;
  /** The driver's own data for the handoff (a portal action and zone, say). */
  handoff: Record<string, string>;
  /** Random per rendered page, stored with its acceptance: a page is accepted once, a repeat gets the same handoff. */
  nonce: string;
  expiresAt: number;
}

export function newStateNonce(): string {
  return randomBytes(16).toString('base64url'); // 128 random bits
}

/** Long enough to read the terms slowly, short enough that a copied page goes stale. */
export const guestStateLifetimeMs = 60 * 60 * 1000;

function mac(key: Buffer, payload: string): Buffer {
  return createHmac('sha256', key).update(payload).digest();
}

export function signState(key: Buffer, state: GuestState): string {
  const payload = Buffer.from(JSON.stringify(state)).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/** The state if the signature holds and it has not expired, else null. */
export function verifyState(key: Buffer, token: string, now: number): GuestState | null {
  const dot = token.indexOf('.');
  if (dot < 0) return null;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(key, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const state = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as GuestState;
    // A page rendered before states had a nonce could be accepted any number of times.
    return state.expiresAt > now && typeof state.nonce === 'string' ? state : null;
  } catch {
    return null;
  }
}
