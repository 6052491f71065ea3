import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

/**
 * A wifidog-gateway 1.3.0 as wifidog/wifidog-gateway's sources behave (shared/reference/gateways.md §3):
 * - its web server captures every other request with a 302 to the auth server's login/ (src/http.c
 *   http_callback_404), leaving out `mac` when ARP knows no MAC for the guest;
 * - the browser's /wifidog/auth?token= makes it ask the auth server stage=login over a raw HTTP/1.0
 *   request (src/centralserver.c auth_server_request), find "Auth: " anywhere in the answer and read the
 *   number the way sscanf("Auth: %d") does, then redirect to portal/ or gw_message.php (src/auth.c);
 * - /wifidog/auth?logout=1&token= sends stage=logout; ping/ and counters go out when the test says so
 *   (the real one every CheckInterval), and counters answers change the client list as src/firewall.c does.
 */
export interface WifiDogOptions {
  gatewayId: string;
  /** Where the auth server (Portico) listens, e.g. http://127.0.0.1:8080/ */
  authServer: string;
  /** AuthServer Path, default /wifidog/ */
  path?: string;
  /** The guest as the gateway sees it: its address, and what ARP says its MAC is (null: ARP failed). */
  clientIp: string;
  clientMac: string | null;
  /** What ARP says by the time the browser comes back with the token (default clientMac). */
  macAtLogin?: string;
}

export interface WifiDogClient {
  ip: string;
  mac: string;
  token: string;
  incoming: number;
  outgoing: number;
  allowed: boolean;
}

export const wifidogVersion = '1.3.0';

/** libhttpd's httpdUrlEncode: letters, digits and a few marks stay, the rest becomes %XX. */
export function httpdUrlEncode(text: string): string {
  return Array.from(Buffer.from(text, 'utf8'), (byte) => {
    const c = String.fromCharCode(byte);
    return /[A-Za-z0-9._-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

/** The gateway's reading of an answer: strstr(buf, "Auth: ") then sscanf("Auth: %d"); -1 (AUTH_ERROR) otherwise. */
export function parseAuthCode(response: string): number {
  const at = response.indexOf('Auth: ');
  if (at < 0) return -1;
  const match = /^Auth:\s*([-+]?\d+)/.exec(response.slice(at));
  return match ? parseInt(match[1], 10) : -1;
}

/** Sends one request exactly as written and reads until the server closes, as the gateway's http_get does. */
export function rawHttp(host: string, port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // write, not end: the gateway never half-closes its socket, and servers may drop a half-closed one
    const socket = net.connect(port, host, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('auth server did not answer')));
  });
}

export async function startWifiDog(options: WifiDogOptions) {
  const auth = new URL(options.authServer);
  const path = options.path ?? '/wifidog/';
  const authPort = Number(auth.port || 80);
  const authBase = `http://${auth.hostname}:${authPort}${path}`;
  const clients: WifiDogClient[] = [];
  const requests: string[] = [];

  function gatewayRequest(pathAndQuery: string): Promise<string> {
    const request = `GET ${path}${pathAndQuery} HTTP/1.0\r\nUser-Agent: WiFiDog ${wifidogVersion}\r\nHost: ${auth.hostname}\r\n\r\n`;
    requests.push(request);
    return rawHttp(auth.hostname, authPort, request);
  }

  async function authRequest(stage: string, client: { ip: string; mac: string; token: string; incoming: number; outgoing: number }): Promise<number> {
    const response = await gatewayRequest(`auth/?stage=${stage}&ip=${client.ip}&mac=${client.mac}&token=${httpdUrlEncode(client.token)}`
      + `&incoming=${client.incoming}&outgoing=${client.outgoing}&gw_id=${options.gatewayId}`);
    return parseAuthCode(response);
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      const ip = options.clientIp;
      if (url.pathname === '/wifidog/auth') {
        const token = url.searchParams.get('token');
        if (token === null) {
          res.writeHead(200, { 'Content-Type': 'text/html' }).end('<h1>WiFiDog error</h1>Invalid token');
          return;
        }
        const mac = options.macAtLogin ?? options.clientMac!;
        let client = clients.find((c) => c.ip === ip && c.mac === mac);
        if (url.searchParams.has('logout')) {
          if (client) {
            clients.splice(clients.indexOf(client), 1);
            await authRequest('logout', client);
          }
          res.writeHead(200, { 'Content-Type': 'text/html' }).end('<h1>Logged out</h1>');
          return;
        }
        if (!client) {
          client = { ip, mac, token, incoming: 0, outgoing: 0, allowed: false };
          clients.push(client);
        }
        const code = await authRequest('login', { ...client, token, incoming: 0, outgoing: 0 });
        if (code === 1) {
          client.allowed = true;
          res.writeHead(302, { Location: `${authBase}portal/?gw_id=${options.gatewayId}&token=${token}` }).end();
        } else if (code === 0 || code === 5 || code === 6) {
          if (code === 0) clients.splice(clients.indexOf(client), 1);
          const message = { 0: 'denied', 5: 'activate', 6: 'failed_validation' }[code];
          res.writeHead(302, { Location: `${authBase}gw_message.php?message=${message}` }).end();
        } else {
          res.writeHead(200, { 'Content-Type': 'text/html' }).end('Error: We did not get a valid answer from the central server');
        }
        return;
      }
      // Captured: any other request goes to the auth server's login page.
      const asked = httpdUrlEncode(`http://${req.headers.host}${url.pathname}${url.search}`);
      const mac = options.clientMac === null ? '' : `&mac=${options.clientMac}`;
      res.writeHead(302, { Location: `${authBase}login/?gw_address=127.0.0.1&gw_port=${port}&gw_id=${options.gatewayId}&ip=${ip}${mac}&url=${asked}` }).end();
    })().catch((error: Error) => res.writeHead(500).end(error.message));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    clients,
    /** Every request the gateway sent to the auth server, byte for byte. */
    requests,
    gatewayRequest,
    authRequest,
    /** ping/ as ping_thread.c sends it; true if the answer says Pong. */
    async ping(health = { sysUptime: 604, sysMemfree: 23587496, sysLoad: 1.85, wifidogUptime: 0 }): Promise<boolean> {
      const response = await gatewayRequest(`ping/?gw_id=${options.gatewayId}&sys_uptime=${health.sysUptime}`
        + `&sys_memfree=${health.sysMemfree}&sys_load=${health.sysLoad.toFixed(2)}&wifidog_uptime=${health.wifidogUptime}`);
      return response.includes('Pong');
    },
    /** One CheckInterval of fw_sync_with_authserver: counters for every client, then act on each answer. */
    async syncCounters(): Promise<number[]> {
      const codes: number[] = [];
      for (const client of [...clients]) {
        const code = await authRequest('counters', client);
        codes.push(code);
        if (code === 0 || code === 6) clients.splice(clients.indexOf(client), 1); // denied: firewall closed
        else if (code === 1) client.allowed = true;
      }
      return codes;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
