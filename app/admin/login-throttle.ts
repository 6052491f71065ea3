import { isIPv4, isIPv6 } from 'node:net';
import type { SignInLimits } from '../store/types';

/**
 * The sign-in lockout. Attempts are counted per account and address, and per address, never per
 * account alone, so that a stranger's wrong passwords cannot lock the owner out from elsewhere. Each
 * attempt is reserved in the database before its password is checked (a burst gets no more checks
 * than the limit), and the counts live there so that `portico admin unlock` and `admin passwd`,
 * other processes, can clear them. Unknown names are counted like known ones.
 */
export const signInLimits: SignInLimits = { perAccountAndAddress: 5, perAddress: 20, windowMs: 15 * 60_000 };

/** User names compare without case (as the store's do), and spaces around a typed name do not make another. */
export function accountKey(username: string): string {
  return username.trim().toLowerCase();
}

/**
 * The address attempts are counted for: IPv4 as is, IPv6 by its /64, which one device or network
 * usually gets whole, so that trying from many of its addresses counts as one.
 */
export function addressKey(ip: string): string {
  if (ip.startsWith('::ffff:') && isIPv4(ip.slice(7))) return ip.slice(7);
  if (!isIPv6(ip)) return ip;
  const [head, tail] = ip.split('::');
  const groups = head === '' ? [] : head.split(':');
  if (tail !== undefined) groups.push(...Array<string>(Math.max(0, 8 - groups.length - tail.split(':').length)).fill('0'), ...tail.split(':'));
  return `${groups.slice(0, 4).map((group) => parseInt(group, 16).toString(16)).join(':')}::/64`;
}
