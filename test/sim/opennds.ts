import { createCipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * openNDS 9.10 as observed on the wire (../shared/reference/opennds.md), with Portico as its remote FAS:
 * - a captured client gets a 307 to `<FAS URL>?fas=...` (and `&iv=` at levels 2 and 3): level 1 the base64
 *   of the ", "-separated list; levels 2 and 3 base64(base64(AES-256-CBC(list))), the key the faskey padded
 *   with NULs to 32 bytes, the IV the 16 lower-case hex characters of iv= as bytes;
 * - hid = sha256hex(token), token 8 hex characters, the same while the client stays listed;
 * - the browser's GET /opennds_auth/?tok=<rhid>&redir= is checked against sha256hex(hid + faskey): a 307
 *   to redir, or (wrong tok) a 307 back to the FAS with a fresh fas=;
 * - level 3: authmon POSTs auth_get=clear once, then every poll view (payload "none"), authorises each
 *   entry of an answer starting with "*" (ndsctl auth, Preauthenticated clients only) and acks the rhids
 *   with a second view (payload "* rhid ..."); binauth_log.sh reports each deauth with auth_get=deauthed.
 */

export type OpenNdsLevel = 1 | 2 | 3;

export interface OpenNdsOptions {
  gatewayName: string;
  fasKey: string;
  level: OpenNdsLevel;
  /** The FAS URL the daemon builds from fasremoteip/fqdn, fasport and faspath, e.g. http://10.94.0.1:18401/opennds/bar/ */
  fasUrl: string;
  /** MHD's address on the guest network. */
  gatewayAddress?: string;
  gatewayMac?: string;
}

export interface OpenNdsClient {
  ip: string;
  mac: string;
  token: string;
  state: 'Preauthenticated' | 'Authenticated';
  sessionStart: number;
  sessionEnd: number | null;
  bytesIncoming: number;
  bytesOutgoing: number;
}

/** What the gateway answers, as the browser or curl sees it. */
export interface GatewayAnswer {
  status: number;
  location?: string;
}

/** How authmon's php post-request.php reaches the FAS: a form POST to the FAS URL, the answer's body. */
export type AuthmonTransport = (form: string) => Promise<{ status: number; text: string }>;

export const sha256hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** openNDS's URL encoding: unreserved characters kept, every other byte %xx in lower case. */
export function ndsEncode(text: string): string {
  return Array.from(Buffer.from(text, 'utf8'), (byte) => {
    const c = String.fromCharCode(byte);
    return /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).padStart(2, '0')}`;
  }).join('');
}

/** PHP's openssl_encrypt(list, "aes-256-cbc", faskey, 0, iv): base64 of the ciphertext, key NUL-padded to 32. */
export function encryptList(list: string, fasKey: string, iv: string): string {
  const key = Buffer.alloc(32);
  Buffer.from(fasKey).copy(key, 0, 0, 32);
  const cipher = createCipheriv('aes-256-cbc', key, Buffer.from(iv, 'latin1'));
  return Buffer.concat([cipher.update(list, 'utf8'), cipher.final()]).toString('base64');
}

export class SimulatedOpenNds {
  readonly clients = new Map<string, OpenNdsClient>();
  readonly gatewayAddress: string;
  readonly gatewayMac: string;
  /** What authmon did, for the tests: each POST's action and payload, and each ndsctl auth's result. */
  readonly authmonLog: string[] = [];
  private authmonCleared = false;

  constructor(readonly options: OpenNdsOptions, private readonly now: () => number = Date.now) {
    this.gatewayAddress = options.gatewayAddress ?? '10.93.0.1:2050';
    this.gatewayMac = options.gatewayMac ?? '020000009301';
  }

  /** The client entry openNDS makes at the first capture (a new token each time an entry is made). */
  client(ip: string, mac: string): OpenNdsClient {
    let client = this.clients.get(mac);
    if (!client) {
      client = { ip, mac, token: randomBytes(4).toString('hex'), state: 'Preauthenticated', sessionStart: 0, sessionEnd: null, bytesIncoming: 0, bytesOutgoing: 0 };
      this.clients.set(mac, client);
    }
    return client;
  }

  hid(client: OpenNdsClient): string {
    return sha256hex(client.token);
  }

  rhid(client: OpenNdsClient): string {
    return sha256hex(this.hid(client) + this.options.fasKey);
  }

  gatewayHash(): string {
    return sha256hex(ndsEncode(this.options.gatewayName));
  }

  /** The ", "-separated list, field for field as 9.10 writes it (levels 2 and 3 add authdir). */
  fasList(client: OpenNdsClient, originUrl: string): string {
    return [
      `hid=${this.hid(client)}`, `clientip=${client.ip}`, `clientmac=${client.mac}`, 'client_type=cpd_can',
      `gatewayname=${ndsEncode(this.options.gatewayName)}`, 'gatewayurl=http%3a%2f%2fstatus.client', 'version=9.10.0',
      `gatewayaddress=${this.gatewayAddress}`, `gatewaymac=${this.gatewayMac}`,
      ...(this.options.level >= 2 ? ['authdir=opennds_auth'] : []),
      `originurl=${ndsEncode(originUrl)}`, 'clientif=ngw-lan', 'themespec=(null)', '(null)(null)(null)(null)',
    ].join(', ');
  }

  /** The capture: a 307 to the FAS with fas= (not percent-encoded) and, at levels 2 and 3, a new iv= each time. */
  capture(ip: string, mac: string, originUrl = 'http://10.94.0.1/anything?x=1&y=two'): GatewayAnswer {
    const client = this.client(ip, mac);
    const list = this.fasList(client, originUrl);
    if (this.options.level === 1) return { status: 307, location: `${this.options.fasUrl}?fas=${Buffer.from(list).toString('base64')}` };
    const iv = sha256hex(randomBytes(16).toString('hex')).slice(0, 16);
    const fas = Buffer.from(encryptList(list, this.options.fasKey, iv)).toString('base64');
    return { status: 307, location: `${this.options.fasUrl}?fas=${fas}&iv=${iv}` };
  }

  /** The browser at the gateway's auth URL (levels 1 and 2; also accepted at level 3). */
  auth(url: string, sessionMinutes = 1440): GatewayAnswer {
    const parsed = new URL(url);
    const tok = parsed.searchParams.get('tok') ?? '';
    const redir = parsed.searchParams.get('redir');
    const client = [...this.clients.values()].find((candidate) => this.rhid(candidate) === tok);
    if (!client) {
      const any = [...this.clients.values()][0];
      return any ? this.capture(any.ip, any.mac, redir ?? 'http://status.client/') : { status: 403 };
    }
    if (client.state === 'Authenticated') {
      return { status: 307, location: `${this.options.fasUrl}?tok=${tok}&redir=${redir ?? ''}&status=authenticated` };
    }
    this.authenticate(client, sessionMinutes);
    return redir === null ? { status: 200 } : { status: 307, location: redir };
  }

  private authenticate(client: OpenNdsClient, minutes: number): void {
    client.state = 'Authenticated';
    client.sessionStart = Math.floor(this.now() / 1000);
    client.sessionEnd = client.sessionStart + minutes * 60;
  }

  /** `ndsctl auth rhid minutes up down upq downq custom`: for a Preauthenticated client only. */
  ndsctlAuth(rhid: string, minutes: number): boolean {
    const client = [...this.clients.values()].find((candidate) => this.rhid(candidate) === rhid);
    if (!client || client.state !== 'Preauthenticated') return false;
    this.authenticate(client, minutes === 0 ? 1440 : minutes);
    return true;
  }

  private async authmonPost(send: AuthmonTransport, action: string, payload: string) {
    const form = `auth_get=${action}&gatewayhash=${this.gatewayHash()}&payload=${encodeURIComponent(Buffer.from(payload).toString('base64'))}`;
    this.authmonLog.push(`${action} ${payload}`);
    return send(form);
  }

  /** One authmon cycle: clear (only the first time), view, ndsctl auth for each entry, the acknowledging view. */
  async authmonPoll(send: AuthmonTransport): Promise<string[]> {
    if (!this.authmonCleared) {
      await this.authmonPost(send, 'clear', 'none');
      this.authmonCleared = true;
    }
    const { text } = await this.authmonPost(send, 'view', 'none');
    const answer = text.slice(0, 1024);
    const acked: string[] = [];
    if (answer.startsWith('*')) {
      for (const entry of answer.slice(1).split(' ').filter(Boolean)) {
        const [rhid, minutes] = decodeURIComponent(entry).split(' ');
        const ok = this.ndsctlAuth(rhid, Number(minutes));
        this.authmonLog.push(`ndsctl auth ${rhid} ${minutes} ${ok ? 'authenticated' : 'failed'}`);
        if (ok) acked.push(rhid);
      }
      await this.authmonPost(send, 'view', ['*', ...acked].join(' '));
    }
    return acked;
  }

  /** A deauth (the session ended, or ndsctl deauth): the client entry goes, and binauth_log.sh reports it at level 3. */
  async deauth(send: AuthmonTransport | null, mac: string, method = 'timeout_deauth'): Promise<void> {
    const client = this.clients.get(mac);
    if (!client || client.state !== 'Authenticated') return;
    this.clients.delete(mac);
    if (send === null) return;
    const payload = [
      `method=${method}`, `clientmac=${client.mac}`, `bytes_incoming=${client.bytesIncoming}`, `bytes_outgoing=${client.bytesOutgoing}`,
      `session_start=${client.sessionStart}`, `session_end=${Math.floor(this.now() / 1000)}`, `token=${client.token}`, 'custom=bmE%3d',
    ].join(', ');
    await this.authmonPost(send, 'deauthed', payload);
  }
}
