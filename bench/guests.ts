import { acceptForm, inParallel, request } from './http-client';

/*
 * A crowd of phones: each guest has its own MAC and IP, as each phone joining the network does,
 * and each accept or token comes from a terms page Portico really rendered.
 */

let nextGuest = 1;

export interface Guest {
  mac: string;
  ip: string;
}

export function newGuest(): Guest {
  const n = nextGuest++;
  const bytes = [2, (n >> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255, 7];
  return {
    mac: bytes.map((b) => b.toString(16).padStart(2, '0')).join(':'),
    ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
  };
}

export const pfsenseGatewayId = 'bench-pfsense';
export const wifidogGatewayId = 'bench-wifidog';
const wifidogAddress = { gw_address: '10.99.0.1', gw_port: '2060' };

/** Where pfSense's uploaded page sends a captured guest (see pfsense.ts uploadPage). */
export function pfsenseEntryPath(guest: Guest): string {
  const query = new URLSearchParams({
    portal_action: 'http://192.168.1.1:8002/index.php?zone=guest', zone: 'guest', redirurl: 'http://203.0.113.10/some/page?x=1&y=two',
    client_mac: guest.mac, client_ip: guest.ip,
  });
  return `/pfsense/${pfsenseGatewayId}?${query}`;
}

/** Where a WiFiDog gateway redirects a captured guest (gateways.md §3, step 2). */
export function wifidogLoginPath(guest: Guest): string {
  const query = new URLSearchParams({
    ...wifidogAddress, gw_id: wifidogGatewayId, ip: guest.ip, mac: guest.mac, url: 'http://203.0.113.10/some/page?x=1&y=two',
  });
  return `/wifidog/login/?${query}`;
}

export function wifidogPingPath(uptime: number): string {
  return `/wifidog/ping/?gw_id=${wifidogGatewayId}&sys_uptime=${uptime}&sys_memfree=23587496&sys_load=0.25&wifidog_uptime=${uptime}`;
}

export interface WifidogLogin extends Guest {
  token: string;
}

export function wifidogAuthPath(stage: 'login' | 'counters', login: WifidogLogin, bytes = 0): string {
  const query = new URLSearchParams({
    stage, ip: login.ip, mac: login.mac, token: login.token, incoming: String(bytes * 3), outgoing: String(bytes), gw_id: wifidogGatewayId,
  });
  return `/wifidog/auth/?${query}`;
}

/** An accept the guest's browser would POST: the form of a freshly rendered page, urlencoded. */
export interface PendingAccept extends Guest {
  path: string;
  body: string;
}

async function renderedAccept(baseUrl: string, entryPath: string, guest: Guest): Promise<PendingAccept> {
  const page = await request(new URL(entryPath.replace(/^\//, ''), baseUrl).href);
  if (page.status !== 200) throw new Error(`terms page ${entryPath} answered ${page.status}: ${page.body.toString().slice(0, 300)}`);
  const form = acceptForm(page.body.toString('utf8'));
  const path = new URL(form.action, new URL(entryPath.replace(/^\//, ''), baseUrl)).pathname;
  return { ...guest, path, body: new URLSearchParams(form.fields).toString() };
}

/** `count` pfSense guests' accept forms, each from its own rendered page. */
export function pendingPfsenseAccepts(baseUrl: string, count: number): Promise<PendingAccept[]> {
  return inParallel(count, 32, () => {
    const guest = newGuest();
    return renderedAccept(baseUrl, pfsenseEntryPath(guest), guest);
  });
}

/** `count` WiFiDog login tokens made by the real flow: login page, accept, token in the redirect to the gateway. */
export function freshWifidogTokens(baseUrl: string, count: number): Promise<WifidogLogin[]> {
  return inParallel(count, 32, async () => {
    const guest = newGuest();
    const accept = await renderedAccept(baseUrl, wifidogLoginPath(guest), guest);
    const answer = await request(new URL(accept.path.replace(/^\//, ''), baseUrl).href, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: accept.body,
    });
    const location = answer.headers.location ?? '';
    const token = location ? new URL(location, baseUrl).searchParams.get('token') : null;
    if (!token) throw new Error(`WiFiDog accept answered ${answer.status} without a token (location "${location}")`);
    return { ...guest, token };
  });
}
