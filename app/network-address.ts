import { BlockList, isIP, SocketAddress } from 'node:net';
import type { Config } from './config';
import { HttpError } from './errors';
import { log } from './log';
import { optionalField, requiredField } from './request-fields';

type Range = [address: string, prefix: number, family: 'ipv4' | 'ipv6'];

function blockListOf(ranges: Range[]): BlockList {
  const list = new BlockList();
  for (const [address, prefix, family] of ranges) list.addSubnet(address, prefix, family);
  return list;
}

// The private ranges (RFC 1918, RFC 4193), where both routers and guest LANs live.
const privateRanges: Range[] = [['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['fc00::', 7, 'ipv6']];

// Where a router can live: the private ranges, carrier-grade NAT (RFC 6598) and loopback.
const routerRanges = blockListOf([...privateRanges, ['100.64.0.0', 10, 'ipv4'], ['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']]);

/** True for a literal IPv4/IPv6 address in a private or loopback range; host names are never trusted this way. */
export function isPrivateAddress(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare);
  if (family === 0) return false;
  return routerRanges.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

// Where a request's source is the guest's own address: a guest LAN (the private ranges, link-local). Not
// loopback (a reverse proxy or this machine) nor carrier-grade NAT (100.64.0.0/10, a translated address).
const guestLanRanges = blockListOf([...privateRanges, ['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']]);

/** An IP address in one spelling: IPv4 without the IPv6-mapped prefix, IPv6 canonical and without a zone. */
export function plainAddress(ip: string): string {
  const bare = ip.split('%')[0];
  if (isIP(bare) !== 6) return bare;
  const canonical = new SocketAddress({ address: bare, family: 'ipv6' }).address;
  const mapped = canonical.startsWith('::ffff:') ? canonical.slice('::ffff:'.length) : '';
  return isIP(mapped) === 4 ? mapped : canonical;
}

/** The request's source address to compare reported IPs with, or null where the venue turned that off. */
export function guestSource(config: Pick<Config, 'guestAddressCheck'>, ip: string): string | null {
  return config.guestAddressCheck ? ip : null;
}

/**
 * Refuses a guest whose request comes from another address of the guest LAN than the one the router
 * reported for it: someone accepting in another device's name. From loopback or a public address (Portico
 * behind a proxy without TRUST_PROXY, or in the cloud behind the venue's NAT) the guest's own address
 * cannot be seen, and nothing can be compared.
 */
export function checkReportedIp(source: string | null, reported: string): void {
  if (source === null) return;
  const seen = plainAddress(source);
  const family = isIP(seen);
  if (family === 0 || !guestLanRanges.check(seen, family === 4 ? 'ipv4' : 'ipv6') || seen === plainAddress(reported)) return;
  log.warn('guest address is not the one the router reported', { source: seen, reported: plainAddress(reported) });
  throw new HttpError(400, 'This page was made for another device. Please reconnect to the Wi-Fi and open any website.', 'Reconnect to the Wi-Fi');
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
 * router's ARP lookup found one (routers leave it out or empty otherwise). A malformed one is a 400, and so
 * is an IP that is not the asking device's where Portico can see that (`source`, see checkReportedIp).
 */
export function reportedAddresses(
  query: Record<string, unknown>, names: { mac: string; ip: string }, source: string | null,
): { mac: string | null; ip: string } {
  const macText = optionalField(query, names.mac, { max: 17 }) ?? '';
  const mac = macText === '' ? null : normalizeMac(macText);
  const ip = parseClientIp(requiredField(query, names.ip, { max: 45 }));
  if ((macText !== '' && mac === null) || ip === null) throw new HttpError(400, 'The router sent a device address that is not valid.');
  checkReportedIp(source, ip);
  return { mac, ip };
}
