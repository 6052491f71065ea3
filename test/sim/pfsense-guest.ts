import type { Express } from 'express';
import request from 'supertest';

/** The pfSense portal address the test gateway is registered with. */
export const pfsenseRouterAddress = '192.168.1.1:8002';

export interface PfSenseGuest {
  mac: string;
  ip: string;
  userAgent?: string;
}

/** What pfSense's forwarding form sends to /pfsense/:id for this guest. */
export function pfsenseEntryPath(gatewayId: string, guest: PfSenseGuest): string {
  const query = new URLSearchParams({
    portal_action: `http://${pfsenseRouterAddress}/index.php?zone=guest`, zone: 'guest', redirurl: 'http://neverssl.com/',
    client_mac: guest.mac, client_ip: guest.ip,
  });
  return `/pfsense/${gatewayId}?${query}`;
}

/** A guest opening the terms page through pfSense and tapping Accept: returns the accept response. */
export async function acceptAsPfSenseGuest(app: Express, gatewayId: string, guest: PfSenseGuest, websiteUrl: string) {
  const userAgent = guest.userAgent ?? 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)';
  const page = await request(app).get(pfsenseEntryPath(gatewayId, guest)).set('user-agent', userAgent);
  const state = /name="state" value="([^"]+)"/.exec(page.text)?.[1];
  if (page.status !== 200 || !state) throw new Error(`terms page failed: ${page.status} ${page.text.slice(0, 200)}`);
  return request(app).post('/accept').set('user-agent', userAgent).type('form')
    .send({ state, zone: 'guest', redirurl: websiteUrl, accept: 'Accept' });
}
