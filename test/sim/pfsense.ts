import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pfSense captive-portal zone with authentication "None", as pfsense/pfsense's
 * src/usr/local/captiveportal/index.php and captiveportal.inc behave (see shared/reference/gateways.md §1):
 * - a captured guest's HTTP request is answered with the uploaded "Portal page contents", placeholders
 *   substituted: $PORTAL_ACTION$ as is, the others through htmlspecialchars (not URL-encoded);
 * - a POST to /index.php?zone=… with a non-empty `accept` logs in the sender (by source address) and
 *   redirects to the "After authentication Redirection URL" if set, else the posted http(s) `redirurl`,
 *   else back to the portal.
 */
export interface PfSenseOptions {
  portalPage: string;
  zone?: string;
  /** What ARP tells pfSense about the guest. */
  clientMac: string;
  clientIp: string;
  afterAuthRedirect?: string;
}

export interface PfSenseLogin {
  zone: string;
  accept: string;
  redirurl: string;
  fields: URLSearchParams;
  from: string;
}

/** PHP's htmlspecialchars with its PHP 8 defaults (ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML401). */
export function htmlspecialchars(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#039;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export async function startPfSense(options: PfSenseOptions) {
  const zone = (options.zone ?? 'guest').toLowerCase();
  const logins: PfSenseLogin[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      const portalAction = `http://127.0.0.1:${port}/index.php?zone=${zone}`;
      if (req.method === 'POST' && url.pathname === '/index.php') {
        const fields = new URLSearchParams(Buffer.concat(chunks).toString('latin1'));
        const accept = fields.get('accept') ?? '';
        const requestZone = (fields.get('zone') ?? url.searchParams.get('zone') ?? '').toLowerCase();
        if (accept !== '' && requestZone === zone) {
          const redirurl = fields.get('redirurl') ?? '';
          logins.push({ zone: requestZone, accept, redirurl, fields, from: req.socket.remoteAddress ?? '' });
          const target = options.afterAuthRedirect || (/^https?:\/\//i.test(redirurl) ? redirurl : portalAction);
          res.writeHead(302, { Location: target }).end();
          return;
        }
      }
      // Anything else from a guest who is not logged in: the portal page.
      const page = options.portalPage
        .replaceAll('$PORTAL_ACTION$', portalAction)
        .replaceAll('$PORTAL_ZONE$', htmlspecialchars(zone))
        .replaceAll('$PORTAL_REDIRURL$', htmlspecialchars(`http://${req.headers.host}${req.url}`))
        .replaceAll('$CLIENT_MAC$', htmlspecialchars(options.clientMac))
        .replaceAll('$CLIENT_IP$', htmlspecialchars(options.clientIp))
        .replaceAll('$PORTAL_MESSAGE$', '');
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    logins,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
