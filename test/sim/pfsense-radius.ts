import { createHash, randomBytes } from 'node:crypto';
import type { RequestListener } from 'node:http';
import request from 'supertest';
import {
  accessRequest, accountingRequest, chapPassword, decodeReply, findInteger, findText, integer, ipv4, RadiusSocket, text, userPassword,
  type Attr, type Reply,
} from './radius-client';
import { acceptForm, pfsenseEntryPath, pfsenseRouterAddress, type PfSenseGuest } from './pfsense-guest';

/*
 * A pfSense 2.7/2.8 captive-portal zone in RADIUS mode ("Use an Authentication backend"), as
 * shared/reference/radius.md part A reads it from pfsense/pfsense (index.php, captiveportal.inc, the
 * patched PEAR Auth_RADIUS and radlib): the Access-Request of 4.2 (PAP) or 4.3 (MD5-CHAP) and the
 * Accounting-Requests of 6.2 attribute for attribute and in order, each on a fresh socket with the identical
 * datagram resent on timeout (3); index.php's handling of the guest's POST (2), Accounting Start sent
 * and answered before the browser gets its redirect; the minute sweep (8) with Session-Timeout,
 * Interim-Update and reauthentication (7). Time is the test's: `now` is the firewall's clock and the
 * test calls sweep() where minicron would, every sweepIntervalMs of it; the 5 s Authentication Timeout
 * is scaled down by `timeoutMs`.
 */

/** minicron runs /etc/rc.prunecaptiveportal every 60 s. */
export const sweepIntervalMs = 60_000;

const attr = {
  userName: 1, userPassword: 2, chapPassword: 3, nasIpAddress: 4, nasPort: 5, serviceType: 6, framedIpAddress: 8, replyMessage: 18,
  sessionTimeout: 27, calledStationId: 30, callingStationId: 31, nasIdentifier: 32, acctStatusType: 40, acctInputOctets: 42,
  acctOutputOctets: 43, acctSessionId: 44, acctAuthentic: 45, acctSessionTime: 46, acctInputPackets: 47, acctOutputPackets: 48,
  acctTerminateCause: 49, acctInputGigawords: 52, acctOutputGigawords: 53, chapChallenge: 60, nasPortType: 61, acctInterimInterval: 85,
} as const;
const wispr = { vendor: 14122, redirectionUrl: 4 };
export const acctStatus = { start: 1, stop: 2, interimUpdate: 3, accountingOn: 7, accountingOff: 8 } as const;
export const terminateCause = { userRequest: 1, idleTimeout: 4, sessionTimeout: 5, adminReset: 6, adminReboot: 7, nasRequest: 10, userError: 17 } as const;

export type MacFormat = 'default' | 'single-dash' | 'ietf' | 'cisco' | 'unformatted';

/** The zone's "MAC address format", applied to Calling-Station-Id and the NAS MAC in Called-Station-Id. */
export function formatMac(mac: string, format: MacFormat): string {
  const hex = mac.replace(/[^0-9a-f]/gi, '').toLowerCase();
  switch (format) {
    case 'default': return hex.match(/../g)!.join(':');
    case 'single-dash': return `${hex.slice(0, 6)}-${hex.slice(6)}`;
    case 'ietf': return hex.match(/../g)!.join('-');
    case 'cisco': return hex.match(/..../g)!.join('.');
    case 'unformatted': return hex;
  }
}

/** PHP's trim(): space, tab, LF, CR, NUL and VT off both ends. */
function phpTrim(value: string): string {
  const trimmed = ' \t\n\r\0\v';
  let start = 0;
  let end = value.length;
  while (start < end && trimmed.includes(value[start])) start++;
  while (end > start && trimmed.includes(value[end - 1])) end--;
  return value.slice(start, end);
}

export interface PfSenseRadiusOptions {
  secret: string;
  authPort: number;
  acctPort: number;
  /** The Portico app the guest's browser talks to (driven in-process with supertest). */
  app: RequestListener;
  gatewayId: string;
  zone?: string;
  /** The zone's NAS Identifier; pfSense's default is CaptivePortal-<zone>. */
  nasId?: string;
  nasIp?: string;
  nasMac?: string;
  hostname?: string;
  protocol?: 'PAP' | 'CHAP_MD5';
  macFormat?: MacFormat;
  /** "Reauthenticate connected users every minute". */
  reauthenticate?: boolean;
  /** "Disable MAC filtering": a guest whose MAC ARP does not know (a routed guest network) may log in. */
  disableMacFiltering?: boolean;
  /** "Use RADIUS Session-Timeout attributes" (the setup asks for it). */
  useSessionTimeout?: boolean;
  /** The firewall's clock, in ms. */
  now: () => number;
  /** Authentication Timeout per try (pfSense: 5 s), scaled down. */
  timeoutMs?: number;
}

/** A logged-in guest as pfSense's captive portal database holds it. */
export interface PortalSession {
  sessionId: string;
  user: string;
  password: string;
  ip: string;
  mac: string | null;
  /** The dummynet pipe, sent as NAS-Port. */
  pipe: number;
  loginAt: number;
  sessionTimeout: number | undefined;
  interimInterval: number | undefined;
  redirect: string | undefined;
  /** Cumulative since login: input = from the guest (upload), output = to the guest (download). */
  inputOctets: number;
  outputOctets: number;
  inputPackets: number;
  outputPackets: number;
}

/** One RADIUS exchange as the sim made it: the datagram, how many times it went, and the reply it took. */
export interface Exchange {
  port: 'auth' | 'acct';
  datagram: Buffer;
  sends: number;
  reply: Reply | null;
}

/** What index.php answered the guest's browser. */
export interface PortalAnswer {
  status: number;
  location?: string;
  /** $PORTAL_MESSAGE$ on the error page, or the connected page's words. */
  message?: string;
  session?: PortalSession;
}

export function pfSenseRadiusZone(options: PfSenseRadiusOptions) {
  const zone = options.zone ?? 'guest';
  const nasId = options.nasId ?? `CaptivePortal-${zone}`;
  const nasIp = options.nasIp ?? '192.168.1.1';
  const macFormat = options.macFormat ?? 'default';
  const calledStationId = `${formatMac(options.nasMac ?? '00:08:a2:0c:11:22', macFormat)}:${options.hostname ?? 'pfSense.home.arpa'}`;
  const timeoutMs = options.timeoutMs ?? 300;
  const portalUrl = `http://${pfsenseRouterAddress}/index.php?zone=${zone}`;
  const sessions = new Map<string, PortalSession>();
  const exchanges: Exchange[] = [];

  /** radlib: a fresh socket, the identical datagram up to 3 times; only an authentic reply from the server's port counts. */
  async function send(port: 'auth' | 'acct', datagram: Buffer): Promise<Reply | null> {
    const socket = new RadiusSocket(port === 'auth' ? options.authPort : options.acctPort);
    const exchange: Exchange = { port, datagram, sends: 0, reply: null };
    exchanges.push(exchange);
    try {
      for (let attempt = 0; attempt < 3 && !exchange.reply; attempt++) {
        await socket.send(datagram);
        exchange.sends++;
        const raw = await socket.nextReply(timeoutMs);
        const reply = raw && decodeReply(raw, datagram, options.secret);
        if (reply?.authentic) exchange.reply = reply;
      }
      return exchange.reply;
    } finally {
      await socket.close();
    }
  }

  /** 4.2 (PAP) and 4.3 (MD5-CHAP): the attributes in pfSense's order. */
  function accessRequestFor(user: string, password: string, client: { ip: string; mac: string | null }, pipe: number): Buffer {
    let credentials: Attr[];
    if (options.protocol === 'CHAP_MD5') {
      // PEAR Crypt_CHAP: 8 random octets, each 1..255; ident 1.
      const challenge = Buffer.from([...randomBytes(8)].map((octet) => octet % 255 + 1));
      credentials = [{ type: attr.chapPassword, value: chapPassword(1, password, challenge) }, { type: attr.chapChallenge, value: challenge }];
    } else {
      credentials = [userPassword(password)];
    }
    return accessRequest({
      secret: options.secret,
      attributes: [
        integer(attr.serviceType, 1),
        text(attr.userName, user),
        ...credentials,
        ipv4(attr.nasIpAddress, nasIp),
        text(attr.nasIdentifier, nasId),
        ...(client.mac ? [text(attr.callingStationId, formatMac(client.mac, macFormat))] : []),
        text(attr.calledStationId, calledStationId),
        integer(attr.nasPortType, 15),
        integer(attr.nasPort, pipe),
        ipv4(attr.framedIpAddress, client.ip),
      ],
    });
  }

  /** 6.2: Service-Type twice, Output-Gigawords before Input-Gigawords. */
  function accountingRequestFor(status: number, session?: PortalSession, cause?: number): Buffer {
    const counters = session && (status === acctStatus.interimUpdate || status === acctStatus.stop);
    const seconds = session && Math.floor((options.now() - session.loginAt) / 1000);
    return accountingRequest({
      secret: options.secret,
      attributes: [
        integer(attr.serviceType, 1),
        ...(session ? [text(attr.userName, session.user)] : []),
        integer(attr.acctStatusType, status),
        integer(attr.acctAuthentic, 1),
        integer(attr.serviceType, 1),
        ipv4(attr.nasIpAddress, nasIp),
        text(attr.nasIdentifier, nasId),
        ...(session ? [
          integer(attr.nasPortType, 15),
          integer(attr.nasPort, session.pipe),
          text(attr.acctSessionId, session.sessionId),
          ipv4(attr.framedIpAddress, session.ip),
          ...(session.mac ? [text(attr.callingStationId, formatMac(session.mac, macFormat))] : []),
        ] : []),
        text(attr.calledStationId, calledStationId),
        ...(counters ? [
          integer(attr.acctInputPackets, session.inputPackets),
          integer(attr.acctInputOctets, session.inputOctets % 2 ** 32),
          integer(attr.acctOutputPackets, session.outputPackets),
          integer(attr.acctOutputOctets, session.outputOctets % 2 ** 32),
          integer(attr.acctSessionTime, seconds!),
          integer(attr.acctOutputGigawords, Math.floor(session.outputOctets / 2 ** 32)),
          integer(attr.acctInputGigawords, Math.floor(session.inputOctets / 2 ** 32)),
        ] : []),
        ...(status === acctStatus.stop ? [integer(attr.acctTerminateCause, cause ?? terminateCause.userRequest)] : []),
      ],
    });
  }

  /** captiveportal_get_next_dn_ruleno: the first free even pipe from 2000. */
  function nextPipe(): number {
    const used = new Set([...sessions.values()].map((session) => session.pipe));
    let pipe = 2000;
    while (used.has(pipe)) pipe += 2;
    return pipe;
  }

  async function stop(session: PortalSession, cause: number): Promise<Reply | null> {
    sessions.delete(session.ip);
    return send('acct', accountingRequestFor(acctStatus.stop, session, cause));
  }

  /** index.php, for a POST from the guest at `client` (ARP gives pfSense its MAC; null when it has none). */
  async function indexPhp(url: string, body: string, client: { ip: string; mac: string | null }): Promise<PortalAnswer> {
    const target = new URL(url);
    const fields = new URLSearchParams(body);
    const field = (name: string) => fields.get(name) ?? target.searchParams.get(name) ?? '';
    if (field('zone').toLowerCase() !== zone) return { status: 200, message: 'Internal error' };
    const posted = field('redirurl');
    const redirurl = /^https?:\/\//i.test(posted) ? posted : '';
    const connected = sessions.get(client.ip);
    if (connected) return { status: 200, message: 'The portal session is connected.', session: connected };
    // A POST to another host than the portal's own is redirected there, its body lost.
    if (target.host !== pfsenseRouterAddress) return { status: 302, location: `${portalUrl}&redirurl=${encodeURIComponent(redirurl)}` };
    if (!client.mac && !options.disableMacFiltering) return { status: 200, message: 'An error occurred.  Please check the system logs for more information.' };
    const accept = fields.get('accept') ?? '';
    if (accept === '' || accept === '0') return { status: 200, message: 'login page' };

    const user = phpTrim(fields.get('auth_user') ?? '');
    const password = fields.get('auth_pass') ?? '';
    const pipe = nextPipe();
    const reply = await send('auth', accessRequestFor(user, password, client, pipe));
    if (!reply || (reply.code !== 2 && reply.code !== 3)) return { status: 200, message: 'Error : could not connect to authentication server.' };
    if (reply.code === 3) {
      const messages = reply.attributes.filter((a) => a.type === attr.replyMessage && a.vendor === undefined);
      return { status: 200, message: messages.at(-1)?.value.toString('utf8') ?? 'Invalid credentials specified.' };
    }
    const wisprUrl = findText(reply, wispr.redirectionUrl, wispr.vendor);
    const session: PortalSession = {
      sessionId: createHash('md5').update(randomBytes(16)).digest('hex').slice(0, 16),
      user, password, ip: client.ip, mac: client.mac, pipe, loginAt: options.now(),
      sessionTimeout: options.useSessionTimeout === false ? undefined : findInteger(reply, attr.sessionTimeout) || undefined,
      interimInterval: findInteger(reply, attr.acctInterimInterval),
      redirect: wisprUrl && /^https?:\/\//i.test(wisprUrl) ? wisprUrl : undefined,
      inputOctets: 0, outputOctets: 0, inputPackets: 0, outputPackets: 0,
    };
    sessions.set(client.ip, session);
    // portal_allow: the Start goes out, and is waited for, before the browser gets its 302.
    await send('acct', accountingRequestFor(acctStatus.start, session));
    return { status: 302, location: session.redirect ?? (redirurl || portalUrl), session };
  }

  /** The guest's browser up to pfSense: the terms page through this zone, Accept, and the 307 Portico answers with. */
  async function guestAccepts(guest: PfSenseGuest, { lang }: { lang?: string } = {}) {
    const userAgent = guest.userAgent ?? 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)';
    const page = await request(options.app).get(`${pfsenseEntryPath(options.gatewayId, guest)}${lang ? `&lang=${lang}` : ''}`).set('user-agent', userAgent);
    if (page.status !== 200) throw new Error(`terms page: ${page.status} ${page.text.slice(0, 200)}`);
    const form = acceptForm(page.text);
    const accepted = await request(options.app).post('/accept').set('user-agent', userAgent).type('form').send(form.toString());
    if (accepted.status !== 307) throw new Error(`accept: ${accepted.status} ${accepted.text.slice(0, 200)}`);
    return { form, location: accepted.headers.location as string };
  }

  /** The whole login: guestAccepts, then the browser re-posts the same body to where the 307 points. */
  async function guestLogsIn(guest: PfSenseGuest, choices: { lang?: string } = {}) {
    const { form, location } = await guestAccepts(guest, choices);
    return { form, location, answer: await indexPhp(location, form.toString(), guest) };
  }

  return {
    nasId,
    portalUrl,
    sessions,
    exchanges,
    indexPhp,
    /** The Accounting-Request of 6.2 for this status (and session). */
    accountingPacket: (status: number, session?: PortalSession, cause?: number) => accountingRequestFor(status, session, cause),
    guestAccepts,
    guestLogsIn,
    /** Traffic through the guest's pipe. */
    traffic(session: PortalSession, { upload = 0, download = 0 }: { upload?: number; download?: number }) {
      session.inputOctets += upload;
      session.outputOctets += download;
      session.inputPackets += Math.ceil(upload / 1400);
      session.outputPackets += Math.ceil(download / 1400);
    },
    /** captiveportal_configure_zone at boot or rule reload. */
    accountingOn: () => send('acct', accountingRequestFor(acctStatus.accountingOn)),
    /** system_reboot_cleanup: a Stop with Admin-Reboot for every session, then Accounting-Off. */
    async reboot() {
      for (const session of [...sessions.values()]) await stop(session, terminateCause.adminReboot);
      return send('acct', accountingRequestFor(acctStatus.accountingOff));
    },
    accountingOff: () => send('acct', accountingRequestFor(acctStatus.accountingOff)),
    interim: (session: PortalSession) => send('acct', accountingRequestFor(acctStatus.interimUpdate, session)),
    stop,
    /** The guest pressed Disconnect (logout_id). */
    logout: (session: PortalSession) => stop(session, terminateCause.userRequest),
    /** captiveportal_prune_old: Session-Timeout, then the Interim-Update, then reauthentication, for each session. */
    async sweep() {
      for (const session of [...sessions.values()]) {
        const seconds = Math.floor((options.now() - session.loginAt) / 1000);
        if (session.sessionTimeout !== undefined && seconds >= session.sessionTimeout) {
          await stop(session, terminateCause.sessionTimeout);
          continue;
        }
        const interval = session.interimInterval;
        if (interval === undefined || interval <= 60 || (seconds > interval && seconds % interval <= 59)) await send('acct', accountingRequestFor(acctStatus.interimUpdate, session));
        if (options.reauthenticate) {
          // Section 7: the cached login again, NAS-Port the session's pipe; a Reject ends the session.
          const reply = await send('auth', accessRequestFor(session.user, session.password, session, session.pipe));
          if (reply?.code === 3) await stop(session, terminateCause.userError);
        }
      }
    },
  };
}

export type PfSenseRadius = ReturnType<typeof pfSenseRadiusZone>;
