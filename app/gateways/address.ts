import { BlockList, isIP } from 'node:net';
import { HttpError } from '../http-error';
import { optionalField, requiredField } from '../request-fields';

// Where a router can live: the private and loopback ranges (RFC 1918, RFC 4193, RFC 6598 carrier-grade NAT).
const routerRanges = new BlockList();
routerRanges.addSubnet('10.0.0.0', 8, 'ipv4');
routerRanges.addSubnet('172.16.0.0', 12, 'ipv4');
routerRanges.addSubnet('192.168.0.0', 16, 'ipv4');
routerRanges.addSubnet('100.64.0.0', 10, 'ipv4');
routerRanges.addSubnet('127.0.0.0', 8, 'ipv4');
routerRanges.addAddress('::1', 'ipv6');
routerRanges.addSubnet('fc00::', 7, 'ipv6');

/** True for a literal IPv4/IPv6 address in a private or loopback range; host names are never trusted this way. */
export function isPrivateAddress(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare);
  if (family === 0) return false;
  return routerRanges.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** A guest's IP as the router reported it, or null if it is not an IP address. */
export function parseClientIp(value: string): string | null {
  return isIP(value) ? value : null;
}

/** A MAC in any of the usual spellings (aa:bb:…, AA-BB-…) as lower-case colon form, or null. */
export function normalizeMac(value: string): string | null {
  const match = /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/i.exec(value);
  return match ? match.slice(1).join(':').toLowerCase() : null;
}

/**
 * The captured guest's addresses as the router put them in the query: the IP always, the MAC when the
 * router's ARP lookup found one (routers leave it out or empty otherwise). A malformed one is a 400.
 */
export function reportedAddresses(query: Record<string, unknown>, names: { mac: string; ip: string }): { mac: string | null; ip: string } {
  const macText = optionalField(query, names.mac, { max: 17 }) ?? '';
  const mac = macText === '' ? null : normalizeMac(macText);
  const ip = parseClientIp(requiredField(query, names.ip, { max: 45 }));
  if ((macText !== '' && mac === null) || ip === null) throw new HttpError(400, 'The router sent a device address that is not valid.');
  return { mac, ip };
}
