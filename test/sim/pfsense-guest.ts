import type { RequestListener } from 'node:http';
import { parse } from 'node-html-parser';
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

/** What tapping Accept on a terms page submits: the form's hidden fields and the button. */
export function acceptForm(html: string): URLSearchParams {
  const form = parse(html).querySelector('form.accept');
  if (!form) throw new Error(`no accept form in: ${html.slice(0, 200)}`);
  const fields = new URLSearchParams();
  for (const input of form.querySelectorAll('input[type=hidden]')) fields.append(input.getAttribute('name')!, input.getAttribute('value') ?? '');
  fields.append('accept', 'Accept');
  return fields;
}

/** A guest opening the terms page through pfSense and tapping Accept: returns the accept response. */
export async function acceptAsPfSenseGuest(app: RequestListener, gatewayId: string, guest: PfSenseGuest) {
  const userAgent = guest.userAgent ?? 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)';
  const page = await request(app).get(pfsenseEntryPath(gatewayId, guest)).set('user-agent', userAgent);
  if (page.status !== 200) throw new Error(`terms page failed: ${page.status} ${page.text.slice(0, 200)}`);
  return request(app).post('/accept').set('user-agent', userAgent).type('form').send(acceptForm(page.text).toString());
}
