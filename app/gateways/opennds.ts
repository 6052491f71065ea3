import { createDecipheriv, createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { publicLink, type Config } from '../config';
import { deviceIdFor } from '../device-id';
import type { Answer, Endpoint, Exchange } from '../endpoint';
import { HttpError, UserError } from '../errors';
import { guestErrorWords } from '../guest/error-messages';
import { guestView, onlinePageUrl } from '../guest/guest-view';
import { readSmallForm } from '../guest/small-form';
import { termsPage } from '../guest/terms-page';
import { log, maskMac, warningsNowAndThen } from '../log';
import { checkReportedIp, guestSource, isPrivateAddress, normalizeMac } from '../network-address';
import { checkRateLimit, gatewayKey } from '../rate-limit';
import { optionalField } from '../request-fields';
import { plausibleCounters } from '../session-counters';
import { silentIntervalsForDown } from '../statistics';
import type { Gateway, GuestSessionEndReason, Site } from '../store/types';
import { localCalendar } from '../venue-time';
import type { GatewayDriver } from './driver';
import { entryGateway } from './entry';

/*
 * openNDS (OpenWrt's captive portal, 9.10 as Debian and OpenWrt ship it) with Portico as its remote FAS
 * (../shared/reference/opennds.md). openNDS sends each captured browser to the FAS path with fas=, the
 * client's description: at fas_secure_enabled 1 plain base64, at 2 and 3 AES-256-CBC under the faskey with
 * iv=. Levels 1 and 2: after the terms the browser goes to the gateway's /opennds_auth/ with rhid =
 * sha256hex(hid + faskey), which the gateway checks itself. Level 3: the router's authmon.sh polls the
 * FAS (POST auth_get=clear|view|deauthed) and authorises what it is given; the guest's page waits.
 */

type Level = 1 | 2 | 3;

interface OpenNdsSettings {
  fasKey: string;
  level: Level;
}

function settingsOf(gateway: Pick<Gateway, 'settings'>): OpenNdsSettings {
  return gateway.settings as unknown as OpenNdsSettings;
}

const fasKeyPattern = /^[A-Za-z0-9]{16,32}$/;
const hexHash = /^[0-9a-f]{64}$/;
/** authmon's poll period when nat_traversal_poll_interval is not set (authmon.sh). */
const defaultPollSeconds = 10;
/** A queued authorisation is offered this long: authmon takes it within a poll or two, or its openNDS is gone. */
const offerMs = 10 * 60 * 1000;
/** authmon reads only the first 1024 characters of the view answer (authmon.sh, `head -c 1024`). */
const viewAnswerMax = 1024;
/** openNDS checks session ends every checkinterval (15 s by default) and reports the deauth at once; a session counts as live until a little after its end. */
const endReportGraceMs = 2 * 60 * 1000;

const sha256hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** openNDS's URL encoding (its C uhttpd_urlencode and the scripts' printf): unreserved characters kept, every other byte %xx in lower case. */
export function openNdsEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => {
    const c = String.fromCharCode(byte);
    return /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).padStart(2, '0')}`;
  }).join('');
}

/** What authmon sends as gatewayhash: sha256hex of the url-encoded gatewayname, here the gateway id. */
export function gatewayHash(gatewayId: string): string {
  return sha256hex(openNdsEncode(gatewayId));
}

/** The key the router checks for a client: sha256hex(hid + faskey), hid = sha256hex(the client's token). */
export function rhidFor(hid: string, fasKey: string): string {
  return sha256hex(hid + fasKey);
}

/** A faskey of 32 letters and digits. */
function newFasKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length: 32 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

/**
 * One parameter exactly as the router wrote it in the query: a base64 `+` stays a `+` (a form decoder
 * would make it a space). Percent escapes, which openNDS does not write but a browser may, are undone.
 */
function rawQueryValue(exchange: Exchange, name: string, max: number): string | undefined {
  const url = exchange.req.url ?? '';
  const question = url.indexOf('?');
  if (question < 0) return undefined;
  const values = url.slice(question + 1).split('&').filter((pair) => pair.startsWith(`${name}=`)).map((pair) => pair.slice(name.length + 1));
  if (values.length === 0) return undefined;
  if (values.length > 1) throw new HttpError(400, `"${name}" was given more than once or in an unexpected form.`);
  if (values[0].length > max) throw new HttpError(400, `"${name}" is too long.`);
  try {
    return decodeURIComponent(values[0]);
  } catch {
    throw new HttpError(400, `"${name}" is not valid.`);
  }
}

const base64Text = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function strictBase64(text: string): Buffer | null {
  return text !== '' && base64Text.test(text) ? Buffer.from(text, 'base64') : null;
}

/**
 * The client's description from fas= (and iv=), or null when it is not one this router's level and faskey
 * make: level 1 base64 of the list; levels 2 and 3 base64(base64(AES-256-CBC(list))), the key the faskey
 * padded with NULs to 32 bytes (PHP's openssl_encrypt does so), the IV the 16 characters of iv= as bytes.
 */
export function decodeFas(fas: string, iv: string | undefined, { level, fasKey }: OpenNdsSettings): string | null {
  const outer = strictBase64(fas);
  if (outer === null) return null;
  if (level === 1) return iv === undefined ? outer.toString('utf8') : null;
  if (iv === undefined || !/^[0-9a-f]{16}$/i.test(iv)) return null;
  const ciphertext = strictBase64(outer.toString('latin1'));
  if (ciphertext === null || ciphertext.length === 0 || ciphertext.length % 16 !== 0) return null;
  const key = Buffer.alloc(32);
  Buffer.from(fasKey, 'utf8').copy(key, 0, 0, 32);
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, Buffer.from(iv, 'latin1'));
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    return null; // wrong key or not a ciphertext: the padding does not check out
  }
}

/** The ", "-separated `name=value` list openNDS sends (fas= and its reports), each split at its first "=": the first of each name. */
export function parseFieldList(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of text.split(', ')) {
    const equals = part.indexOf('=');
    if (equals > 0 && !fields.has(part.slice(0, equals))) fields.set(part.slice(0, equals), part.slice(equals + 1));
  }
  return fields;
}

function decodedField(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** A captured client as openNDS described it, checked. */
interface Client {
  hid: string;
  mac: string;
  ip: string;
  gatewayAddress: string;
  authDir: string;
}

const notFromRouter = () => new HttpError(400, 'The Wi-Fi login address did not come from this venue\'s router. Please reconnect to the Wi-Fi and try again.');
const notSetUp = () => new HttpError(400, 'The Wi-Fi login page is not set up right on the router. Please tell the staff.', 'Wi-Fi not ready');
const usedLogin = () => new HttpError(400, 'This Wi-Fi login has expired or was already used. Open any website to see the terms again.', 'Not connected');

/** The fields Portico needs from the description; null when one is missing or malformed. */
function clientOf(fields: Map<string, string>): Client | null {
  const hid = fields.get('hid') ?? '';
  const mac = normalizeMac(fields.get('clientmac') ?? '');
  const ip = fields.get('clientip') ?? '';
  const address = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(fields.get('gatewayaddress') ?? '');
  const authDir = fields.get('authdir') ?? 'opennds_auth';
  if (!hexHash.test(hid) || mac === null || isIP(ip) !== 4 || !address || !/^[A-Za-z0-9_-]{1,32}$/.test(authDir)) return null;
  const port = Number(address[2]);
  if (isIP(address[1]) !== 4 || !isPrivateAddress(address[1]) || port < 1 || port > 65535) return null;
  return { hid, mac, ip, gatewayAddress: `${address[1]}:${port}`, authDir };
}

/** Why openNDS ended a client (its BinAuth methods, libopennds.sh), in the store's words. */
const endReasons: Record<string, GuestSessionEndReason> = {
  timeout_deauth: 'session_length', idle_deauth: 'idle', client_deauth: 'logout', ndsctl_deauth: 'admin',
  shutdown_deauth: 'router_restart', downquota_deauth: 'router', upquota_deauth: 'router',
};

function plainAnswer(text: string, status = 200): Answer {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }, body: text };
}

/** The entry authmon runs `ndsctl auth` with: rhid, minutes, upload and download rate (kbit/s) and quota (kB), custom; percent-encoded, so it has no space. */
function authorisationEntry(rhid: string, site: Site, acceptanceId: number): string {
  const custom = Buffer.from(`acceptance=${acceptanceId}`).toString('base64');
  return encodeURIComponent(`${rhid} ${site.sessionMinutes} 0 0 0 0 ${custom}`);
}

/** The waiting page's address for a guest whose authorisation is queued. */
function waitingPage(config: Pick<Config, 'publicUrl'>, gateway: Gateway, rhid: string): string {
  return `${fasUrl(config, gateway)}?wait=${rhid}`;
}

/** The FAS URL this router is given: PUBLIC_URL's /opennds/<id>/ (openNDS appends the query directly after faspath). */
function fasUrl(config: Pick<Config, 'publicUrl'>, gateway: Gateway): string {
  return publicLink(config, `opennds/${encodeURIComponent(gateway.id)}/`);
}

const httpsOnly = (config: Pick<Config, 'publicUrl'>) => config.publicUrl.protocol === 'https:';

export const opennds: GatewayDriver = {
  type: 'opennds',
  label: 'OpenWrt openNDS',
  shortLabel: 'openNDS',

  options: [{
    name: 'fas-key', setting: 'fasKey', label: 'FAS key', placeholder: '<key>', secret: true,
    help: 'the faskey openNDS shares with Portico, 16 to 32 letters and digits; Portico makes one when none is given',
    parse(text) {
      if (!fasKeyPattern.test(text)) throw new UserError('The FAS key must be 16 to 32 letters and digits (openNDS passes it through its shell scripts and PHP).');
      return text;
    },
  }, {
    name: 'level', setting: 'level', label: 'FAS security level', placeholder: '<1|2|3>', default: '3', choices: ['1', '2', '3'],
    help: 'openNDS\'s fas_secure_enabled: 3 (default; needs Portico on https) lets the router fetch each authorisation, 2 encrypts what the router sends, 1 does not',
    parse(text) {
      if (!/^[123]$/.test(text)) throw new UserError(`The FAS security level is 1, 2 or 3: got "${text}"`);
      return Number(text);
    },
  }],

  settle(settings, portal) {
    if (settings.level === 3 && portal && !httpsOnly(portal)) {
      throw new UserError(`Level 3 needs Portico on https: PUBLIC_URL is ${portal.publicUrl.href}. Give Portico TLS_CERT and TLS_KEY or put it behind an https proxy, or choose --level 2`);
    }
    return { ...settings, fasKey: settings.fasKey ?? newFasKey() };
  },

  // At level 3 authmon polls every few seconds; levels 1 and 2 never contact Portico.
  health: {
    reportIntervalSeconds: (settings) => (settings.level === 3 ? defaultPollSeconds : null),
    facts: () => [],
    explain: ({ status, reportIntervalSeconds: interval }) => interval === null ? ''
      : status === 'never' ? 'No poll from this router\'s authmon yet: it starts a few seconds after openNDS, and needs php-cli and Portico on https.'
        : status === 'down' ? `No poll from authmon for more than ${silentIntervalsForDown * interval} s: check that openNDS runs and reaches Portico over https.` : '',
  },

  endpoints(ctx) {
    const warnNowAndThen = warningsNowAndThen(10 * 60_000);
    const routerContact = (request: string) => ctx.metrics.count('portico_router_contacts_total', { type: 'opennds', request });

    /** The waiting page of a level-3 guest: refreshed until authmon took the authorisation, then "You're online". */
    async function waiting(exchange: Exchange, gateway: Gateway, site: Site, rhid: string): Promise<Answer> {
      const session = hexHash.test(rhid) ? await ctx.store.findGuestSession(gateway.id, rhid) : undefined;
      if (!session) throw new HttpError(400, 'This page is out of date. Please open any website to see the terms again.', 'Page out of date');
      if (session.startedAt !== null) return guestView(exchange, 'guest/online', site, { preview: false });
      const words = session.startBy <= ctx.now()
        ? { title: 'Not connected', message: 'Your Wi-Fi access could not be confirmed. Open any website to see the terms again.' }
        : { title: 'Almost there', message: 'Your Wi-Fi access is being activated. Open any website in a moment.' };
      const refresh = session.startBy > ctx.now() ? { refreshSeconds: 2 } : {};
      return { headers: { 'Cache-Control': 'no-store' }, view: { name: 'error', locals: { ...guestErrorWords(words, exchange.query.lang, exchange.req.headers['accept-language']), ...refresh } } };
    }

    const entry: Endpoint = { method: 'GET', path: '/opennds/:gatewayId', parameters: ['fas', 'iv', 'wait', 'tok', 'redir', 'status', 'lang'], async handle(exchange) {
      const gateway = await entryGateway(ctx, exchange.params, 'opennds');
      const site = await ctx.store.getSite(gateway.siteId);
      if (!site) throw new HttpError(404, 'This Wi-Fi network is not set up on this portal.');
      const settings = settingsOf(gateway);
      checkRateLimit(ctx.limiters, 'perGatewayGuests', gatewayKey(gateway.id, exchange.ip), exchange.req.url ?? '');
      const wait = optionalField(exchange.query, 'wait', { max: 64 });
      if (wait !== undefined) return waiting(exchange, gateway, site, wait);
      // A client that is online already and comes back through the auth URL: openNDS sends it here with
      // the query it got plus status=authenticated (reference: "level 1 replay while still authenticated").
      if (optionalField(exchange.query, 'status', { max: 16 }) === 'authenticated') return guestView(exchange, 'guest/online', site, { preview: false });

      const fas = rawQueryValue(exchange, 'fas', 8192);
      if (fas === undefined) throw notFromRouter();
      const text = decodeFas(fas, rawQueryValue(exchange, 'iv', 64), settings);
      const fields = text === null ? null : parseFieldList(text);
      const client = fields && clientOf(fields);
      if (!fields || !client) {
        warnNowAndThen(`fas ${gateway.id}`, ctx.now(), `openNDS entry that does not decode with this router's FAS key and level ${settings.level}: set faskey and fas_secure_enabled as "npx portico gateway setup ${gateway.id}" prints them`, { gateway: gateway.id });
        throw notFromRouter();
      }
      const gatewayName = decodedField(fields.get('gatewayname'));
      if (gatewayName !== gateway.id) {
        const suffix = gatewayName?.includes(' Node:') ? ' and enable_serial_number_suffix 0 (openNDS appends " Node:<mac>" to the name otherwise)' : '';
        warnNowAndThen(`name ${gateway.id}`, ctx.now(), `openNDS entry from a router named "${(gatewayName ?? '').slice(0, 64)}": set its gatewayname to "${gateway.id}"${suffix}`, { gateway: gateway.id });
        throw notSetUp();
      }
      checkReportedIp(guestSource(ctx.config, exchange.ip), client.ip);
      const rhid = rhidFor(client.hid, settings.fasKey);
      if (settings.level === 3) {
        // A hid whose session began is a client entry openNDS has let online (or ended) already: a new capture has a new hid.
        const session = await ctx.store.findGuestSession(gateway.id, rhid);
        if (session && session.startedAt !== null) {
          log.warn('openNDS entry with a used hid refused', { gateway: gateway.id, mac: maskMac(client.mac) });
          throw usedLogin();
        }
      }
      log.debug('openNDS guest captured', { gateway: gateway.id, mac: maskMac(client.mac) });
      const handoffOrigin = settings.level === 3 ? ctx.config.publicUrl.origin : `http://${client.gatewayAddress}`;
      return termsPage(ctx, exchange, {
        gateway, site, mac: client.mac, ip: client.ip,
        handoff: { level: String(settings.level), hid: client.hid, gatewayAddress: client.gatewayAddress, authDir: client.authDir },
        formFields: {},
        handoffOrigin,
      });
    } };

    /** authmon's POSTs to the FAS URL (authmon.sh, libopennds.sh): answered as it reads them, an empty answer when refused. */
    const authmon: Endpoint = { method: 'POST', path: '/opennds/:gatewayId', parameters: ['auth_get', 'gatewayhash', 'payload'], async handle(exchange) {
      const gatewayId = exchange.params.gatewayId ?? '';
      const found = await ctx.store.getGateway(gatewayId);
      const gateway = found?.type === 'opennds' ? found : undefined;
      if (!gateway) {
        warnNowAndThen('unknown gateway', ctx.now(), `openNDS authmon polls for a router that is not registered; add it with: npx portico gateway add --type opennds --id ${gatewayId.slice(0, 64)}`, { gateway: gatewayId.slice(0, 64) });
        return plainAnswer('', 404);
      }
      const form = await readSmallForm(exchange.req, { maxBytes: 16 * 1024, maxFields: 8 });
      const field = (name: string, max: number) => {
        const value = form[name];
        return typeof value === 'string' && value.length <= max ? value : undefined;
      };
      const action = field('auth_get', 16);
      const hash = field('gatewayhash', 64) ?? '';
      routerContact(action ?? 'unknown');
      const expected = Buffer.from(gatewayHash(gateway.id));
      if (hash.length !== 64 || !timingSafeEqual(Buffer.from(hash), expected)) {
        warnNowAndThen(`hash ${gateway.id}`, ctx.now(), `openNDS authmon poll with another gatewayhash: set the router's gatewayname to "${gateway.id}" and enable_serial_number_suffix 0`, { gateway: gateway.id });
        return plainAnswer('', 403);
      }
      if (settingsOf(gateway).level !== 3) {
        warnNowAndThen(`level ${gateway.id}`, ctx.now(), `openNDS authmon polls, so the router runs fas_secure_enabled 3, but Portico has it at level ${settingsOf(gateway).level}: make them the same`, { gateway: gateway.id });
        return plainAnswer('', 409);
      }
      checkRateLimit(ctx.limiters, 'perGateway', gatewayKey(gateway.id, exchange.ip), exchange.req.url ?? '');
      const payload = strictBase64(field('payload', 12 * 1024) ?? '')?.toString('utf8') ?? '';
      const now = ctx.now();

      if (action === 'clear') {
        // authmon's start: whatever was queued for the openNDS before it restarted means nothing to it now.
        const cleared = await ctx.store.clearRouterAuthorisations(gateway.id);
        await ctx.store.recordGatewayContact(gateway.id, {}, now);
        log.info('openNDS authmon started', { gateway: gateway.id, cleared });
        return plainAnswer('');
      }
      if (action === 'view' && payload === 'none') {
        await ctx.store.recordGatewayContact(gateway.id, {}, now);
        let answer = '*';
        for (const { entry: line } of await ctx.store.pendingRouterAuthorisations(gateway.id, now, 20)) {
          if (answer.length + 1 + line.length > viewAnswerMax) break;
          answer += ` ${line}`;
        }
        return plainAnswer(answer);
      }
      if (action === 'view' && payload.startsWith('*')) {
        // The rhids authmon authorised: their sessions begin now; the rest stay on offer.
        const keys = payload.slice(1).split(' ').filter((key) => hexHash.test(key)).slice(0, 100);
        const site = await ctx.store.getSite(gateway.siteId);
        for (const key of await ctx.store.forgetRouterAuthorisations(gateway.id, keys)) {
          const offered = await ctx.store.findGuestSession(gateway.id, key);
          if (!site || !offered || offered.clientMac === null || offered.clientIp === null) continue;
          const session = await ctx.store.startGuestSession({
            gatewayId: gateway.id, sessionKey: key, clientMac: offered.clientMac, clientIp: offered.clientIp, at: now,
            localDay: localCalendar(now, site.timezone).day, reportDueAt: now + site.sessionMinutes * 60_000 + endReportGraceMs,
          });
          if (session) log.info('guest online', { gateway: gateway.id, session: session.id, mac: maskMac(session.clientMac) });
        }
        return plainAnswer('ack');
      }
      if (action === 'deauthed') {
        await deauthed(gateway, parseFieldList(payload), now);
        return plainAnswer('ack');
      }
      if (action === 'custom') return plainAnswer('ack');
      return plainAnswer('', 400);
    } };

    /** A client openNDS ended (binauth_log.sh's send_to_fas_deauthed): it names the client by its token, whose rhid keys the session. */
    async function deauthed(gateway: Gateway, fields: Map<string, string>, now: number): Promise<void> {
      const token = fields.get('token') ?? '';
      const mac = normalizeMac(fields.get('clientmac') ?? '');
      const reason = endReasons[fields.get('method') ?? ''];
      const number = (name: string) => (/^\d{1,15}$/.test(fields.get(name) ?? '') ? Number(fields.get(name)) : null);
      const bytesIn = number('bytes_incoming');
      const bytesOut = number('bytes_outgoing');
      const end = number('session_end');
      if (!/^[0-9a-f]{8}$/.test(token) || mac === null || !Object.hasOwn(endReasons, fields.get('method') ?? '')) {
        log.warn('openNDS deauthed report not understood', { gateway: gateway.id });
        return;
      }
      const session = await ctx.store.findGuestSession(gateway.id, rhidFor(sha256hex(token), settingsOf(gateway).fasKey));
      if (!session || session.startedAt === null || session.endedAt !== null || session.clientMac !== mac) return;
      const bytes = bytesIn !== null && bytesOut !== null ? { in: bytesIn, out: bytesOut } : undefined;
      const counted = bytes && plausibleCounters(session, bytes, now) ? bytes : undefined;
      if (bytes && !counted) log.warn('openNDS counters not stored: more than the link could carry', { gateway: gateway.id, session: session.id });
      const at = Math.min(now, Math.max(session.startedAt, end === null ? now : end * 1000));
      await ctx.store.endGuestSession(session.id, reason, at, counted);
      log.info('guest session ended', { gateway: gateway.id, session: session.id, reason });
    }

    return [entry, authmon];
  },

  checkAcceptForm(_ctx, _form, state) {
    // The state is signed by us, but it may come from a page made for another router type.
    const { level, hid, gatewayAddress, authDir } = state.handoff;
    if (!/^[123]$/.test(level ?? '') || !hexHash.test(hid ?? '') || !gatewayAddress || !authDir || state.mac === null || state.ip === null) {
      throw new HttpError(400, 'This page is out of date. Please open any website to see the terms again.', 'Page out of date');
    }
  },

  async handoff(ctx, { gateway, site, state, acceptance }) {
    const { level, hid, gatewayAddress, authDir } = state.handoff;
    const rhid = rhidFor(hid, settingsOf(gateway).fasKey);
    if (level !== '3') {
      // The gateway checks rhid itself and sends the browser on to redir (a 307).
      const online = encodeURIComponent(onlinePageUrl(ctx.config, site));
      return { status: 303, location: `http://${gatewayAddress}/${authDir}/?tok=${rhid}&redir=${online}` };
    }
    const session = await ctx.store.openGuestSession({
      gatewayId: gateway.id, sessionKey: rhid, acceptanceId: acceptance.id, siteId: site.id,
      deviceId: deviceIdFor(ctx.keys.deviceId, state.mac!), clientMac: state.mac, clientIp: state.ip!, startBy: ctx.now() + offerMs,
    });
    if (session.startedAt === null) {
      await ctx.store.queueRouterAuthorisation({
        gatewayId: gateway.id, siteId: site.id, key: rhid, entry: authorisationEntry(rhid, site, acceptance.id), queuedAt: ctx.now(), offerUntil: session.startBy,
      });
    }
    return { status: 303, location: waitingPage(ctx.config, gateway, rhid) };
  },

  unauthenticatedArrival(state) {
    return state.handoff.level === '1';
  },

  handoffOrigin(state) {
    return state.handoff.level === '3' ? 'authmon' : `http://${state.handoff.gatewayAddress}`;
  },

  async setup(gateway, site, config) {
    const { fasKey, level } = settingsOf(gateway);
    const url = config.publicUrl;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    const faspath = `${url.pathname}opennds/${encodeURIComponent(gateway.id)}/`;
    // openNDS opens its firewall to fasremoteip before login: an address, so a name is looked up here.
    let address = isIP(host) ? host : null;
    // Bounded: the admin's router page waits for it, and a resolver that does not answer must not hang it.
    if (address === null) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), 2000); });
      address = await Promise.race([lookup(host, { family: 4 }).then((found) => found.address, () => null), timeout]);
      clearTimeout(timer);
    }
    const remoteIp = address ?? `<the IPv4 address of ${host}>`;
    const options: [string, string][] = [
      ['gatewayname', gateway.id], ['enable_serial_number_suffix', '0'], ['login_option_enabled', '0'],
      ['fasport', port], ['fasremoteip', remoteIp], ...(isIP(host) ? [] : [['fasremotefqdn', host] as [string, string]]),
      ['faspath', faspath], ['fas_secure_enabled', String(level)], ['faskey', fasKey], ['sessiontimeout', String(site.sessionMinutes)],
    ];
    const uci = options.map(([name, value]) => ({ value: `uci set opennds.@opennds[0].${name}='${value}'` }));
    return {
      title: `OpenWrt openNDS setup for router "${gateway.id}" (${gateway.name}) of ${site.name}`,
      where: 'On the OpenWrt router, over SSH (openNDS installed: opkg install opennds, and php8-cli php8-mod-openssl for levels 2 and 3):',
      steps: [
        { text: 'Set openNDS to use Portico as its FAS', values: uci },
        { text: 'Save and restart openNDS', values: [{ value: 'uci commit opennds' }, { value: '/etc/init.d/opennds restart' }] },
        {
          text: 'Elsewhere (Debian\'s opennds package, or a router without UCI): these lines in /etc/opennds/opennds.conf instead, in lower case, each once',
          values: options.map(([name, value]) => ({ value: `${name} ${value}` })),
        },
      ],
      notes: [
        ...(address === null ? [`${host} could not be looked up from here: give fasremoteip the IPv4 address guests reach Portico at.`] : []),
        `gatewayname must be "${gateway.id}" exactly: Portico knows the router by it. Without enable_serial_number_suffix 0 openNDS appends " Node:<mac>" to it.`,
        level === 3
          ? (httpsOnly(config)
            ? `Level 3: the router's authmon polls ${fasUrl(config, gateway)} over https and lets each guest online for the venue's session length (${site.sessionMinutes} minutes); its reports of each guest's end give the dashboard sessions and data. The router needs php-cli with openssl and must trust Portico's certificate.`
            : `Level 3 needs Portico on https, and PUBLIC_URL is ${url.href}: give Portico TLS_CERT and TLS_KEY (or put it behind an https proxy) and set PUBLIC_URL to https, or set this router to level 2.`)
          : `Level ${level}: the guest's browser takes the router an authorisation only it can check (rhid); the router's sessiontimeout (${site.sessionMinutes} minutes) ends it. Portico sees no sessions at this level; level 3 gives the dashboard sessions and data.`,
        ...(level === 1 ? ['Level 1: what the router sends is not encrypted, so anyone can write it: each acceptance records that the router\'s description of the guest was unauthenticated. Prefer level 2 or 3.'] : []),
      ],
    };
  },
};
