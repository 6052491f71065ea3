import { createHash, createHmac, randomBytes } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { Context } from '../context';
import { deviceIdFor } from '../device-id';
import type { Answer, Endpoint, Exchange } from '../endpoint';
import { guestErrorWords } from '../guest/error-messages';
import { guestView } from '../guest/guest-view';
import type { GuestState } from '../guest/state';
import { termsPage } from '../guest/terms-page';
import { HttpError, UserError } from '../errors';
import { log, maskMac, warningsNowAndThen } from '../log';
import { plausibleCounters } from '../session-counters';
import { gatewayMessages, pingFigures, plausibleHealth, reportedHealth } from './wifidog-reports';
import { memoizedPerObject } from '../memo';
import { guestSource, isPrivateAddress, normalizeMac, parseClientIp, reportedAddresses } from '../network-address';
import { checkRateLimit, gatewayKey } from '../rate-limit';
import { optionalField, requiredField } from '../request-fields';
import { silentIntervalsForDown } from '../statistics';
import type { Acceptance, Gateway, Site } from '../store/types';
import { localCalendar } from '../venue-time';
import { gatewayIdPattern, type GatewayDriver } from './driver';

/*
 * WiFiDog auth-server protocol, as wifidog-gateway 1.3.0 speaks it (wifidog/wifidog-gateway src/http.c,
 * src/auth.c, src/centralserver.c, src/ping_thread.c, src/firewall.c; shared/reference/gateways.md §3):
 * - the gateway sends a captured browser to login/?gw_address=&gw_port=&gw_id=[&mac=]&url=;
 * - after the terms we send the browser to http://gw_address:gw_port/wifidog/auth?token=T, and the
 *   gateway asks us auth/?stage=login&ip=&mac=&token=&incoming=&outgoing=&gw_id= (HTTP/1.0);
 * - it strstr()s the whole response for "Auth: " and reads the number: 1 lets the guest online,
 *   0 refuses; every CheckInterval stage=counters asks again, which is how a session is ended;
 * - ping/ every CheckInterval: any response without "Pong" marks the auth server down.
 */

const tokenPattern = /^[A-Za-z0-9_-]{1,128}$/;
const counterPattern = /^\d{1,20}$/;

/** The browser goes from our accept straight to the router, which asks us at once: minutes are plenty. */
export const loginTokenLifetimeMs = 5 * 60 * 1000;

/** The purpose the login-token key is derived for: part of the derivation, so tokens already issued stay valid only while it is unchanged. */
const loginTokenKeyPurpose = 'wifidog-login-token';

/** WiFiDog's own default CheckInterval (src/conf.h). */
export const defaultCheckIntervalSeconds = 60;
/** The gateway's own web server port as DD-WRT sets it by default. */
/** Guests at once a venue's router should take: DD-WRT's default of 10 is a table or two. */
const recommendedMaxUsers = 250;
const defaultGatewayPort = 2060;
const unknownGatewayWarningMs = 10 * 60 * 1000;
/**
 * A session whose router missed this many check intervals' counters is gone (router off, guest handed a new
 * token): it no longer counts as online, and the MAC's next login ends it. Nothing else does (migration 012).
 */
const reportsMissedBeforeGone = 3;

interface WifiDogSettings {
  checkIntervalSeconds: number;
  /** The address the router's own requests (auth/, ping/) come from, when the owner pinned it. */
  routerAddress?: string;
}

const secondsText = (value: number | null | undefined) => (value == null ? '–' : `${value} s`);

function settingsOf(gateway: Pick<Gateway, 'settings'>): WifiDogSettings {
  const { checkIntervalSeconds: interval, routerAddress } = gateway.settings as Partial<WifiDogSettings>;
  return { checkIntervalSeconds: typeof interval === 'number' ? interval : defaultCheckIntervalSeconds, routerAddress };
}

/** A BlockList holding the pinned address, which also matches its other spellings (IPv4-mapped, IPv6 zeros). */
const pinOf = memoizedPerObject((gateway: Gateway): BlockList | null => {
  const { routerAddress } = settingsOf(gateway);
  if (routerAddress === undefined) return null;
  const pin = new BlockList();
  pin.addAddress(routerAddress, isIP(routerAddress) === 6 ? 'ipv6' : 'ipv4');
  return pin;
});

/** Whether a request from `ip` may be the router's own: always for an unpinned router, else only from its pinned address. */
function fromRouter(gateway: Gateway, ip: string): boolean {
  const pin = pinOf(gateway);
  return pin === null || pin.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

/** Only the hash is stored: a leaked database lets no one log in. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** http://host:port of the gateway's own web server, with an IPv6 literal in brackets. */
function gatewayOrigin(address: string, port: string): string {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  return `http://${isIP(bare) === 6 ? `[${bare}]` : bare}:${port}`;
}

/** A token for a returning device, which accepts nothing now. */
function randomToken(): string {
  return randomBytes(24).toString('base64url'); // 192 random bits
}

/**
 * The token for an accepted terms page: unguessable without the installation's key, and the same each
 * time that page is accepted, so a repeat gets the same handoff and never a second token (the database
 * keeps only the token's hash, so it cannot be read back).
 */
function acceptedPageToken(key: Buffer, state: GuestState): string {
  // 192 bits, as long as a random token.
  return createHmac('sha256', key).update(`wifidog-token:${state.nonce}`).digest().subarray(0, 24).toString('base64url');
}

interface TokenRequest {
  token: string;
  gateway: Gateway;
  site: Site;
  acceptance: Acceptance;
  mac: string | null;
  ip: string;
  gatewayAddress: string;
  gatewayPort: string;
}

/** Issues a single-use login token bound to this router and device; returns where the browser takes it. */
async function issueLoginToken(ctx: Context, request: TokenRequest): Promise<string> {
  const { token } = request;
  await ctx.store.openGuestSession({
    gatewayId: request.gateway.id,
    sessionKey: hashToken(token),
    acceptanceId: request.acceptance.id,
    siteId: request.site.id,
    deviceId: request.mac === null ? null : deviceIdFor(ctx.keys.deviceId, request.mac),
    clientMac: request.mac,
    clientIp: request.ip,
    startBy: ctx.now() + loginTokenLifetimeMs,
  });
  return `${gatewayOrigin(request.gatewayAddress, request.gatewayPort)}/wifidog/auth?token=${token}`;
}

/**
 * The acceptance a returning device may be let through on: the same device accepted the current terms
 * release within the venue's remember period. A new release is always asked again.
 */
async function rememberedAcceptance(ctx: Context, gateway: Gateway, site: Site, mac: string | null): Promise<Acceptance | undefined> {
  // The login/ URL is the guest's to write: its token is worth something only where the router's own report
  // of the MAC can be told from anyone's, which takes a pinned router. Elsewhere every device sees the terms,
  // so no one gets a token in another's MAC nor learns from the answer whether a device came before.
  if (site.rememberDays <= 0 || mac === null || pinOf(gateway) === null) return undefined;
  const terms = await ctx.store.currentTerms(site.id);
  if (!terms) return undefined;
  const since = ctx.now() - site.rememberDays * 24 * 60 * 60 * 1000;
  return ctx.store.rememberedAcceptance(site.id, deviceIdFor(ctx.keys.deviceId, mac), terms.release, since);
}

async function wifidogGateway(ctx: Context, gatewayId: string): Promise<Gateway | undefined> {
  const gateway = await ctx.store.getGateway(gatewayId);
  return gateway?.type === 'wifidog' ? gateway : undefined;
}

function bytesCounter(query: Record<string, unknown>, name: string): number | undefined {
  const text = optionalField(query, name, { max: 20, pattern: counterPattern });
  return text === undefined || text === '' ? undefined : Math.min(Number(text), Number.MAX_SAFE_INTEGER);
}

type AuthCode = 0 | 1;

/** The gateway's answers: a few fixed bytes. */
function plainAnswer(text: string, status = 200): Answer {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }, body: text };
}

function authAnswer(code: AuthCode, status = 200): Answer {
  return plainAnswer(`Auth: ${code}`, status);
}

/** What the gateway's stage=login/counters/logout asks. */
interface AuthReport {
  stage: 'login' | 'counters' | 'logout';
  gatewayId: string;
  token: string;
  ip: string;
  mac: string;
  bytes: { in: number; out: number } | undefined;
}

/** The gateway's auth/ question, checked; an HttpError means a malformed request. */
function parseAuthReport(query: Record<string, unknown>): AuthReport {
  const stage = requiredField(query, 'stage', { max: 16 });
  if (stage !== 'login' && stage !== 'counters' && stage !== 'logout') throw new HttpError(400, 'Unknown stage.');
  const gatewayId = requiredField(query, 'gw_id', { max: 64, pattern: gatewayIdPattern });
  const token = requiredField(query, 'token', { max: 128, pattern: tokenPattern });
  const ip = parseClientIp(requiredField(query, 'ip', { max: 45 }));
  const mac = normalizeMac(requiredField(query, 'mac', { max: 17 }));
  if (ip === null || mac === null) throw new HttpError(400, 'The device address is not valid.');
  const incoming = bytesCounter(query, 'incoming');
  const outgoing = bytesCounter(query, 'outgoing');
  const bytes = incoming !== undefined && outgoing !== undefined ? { in: incoming, out: outgoing } : undefined;
  return { stage, gatewayId, token, ip, mac, bytes };
}

/** The answer to a router's auth/ report, acted on. */
async function authStage(ctx: Context, gateway: Gateway | undefined, { stage, gatewayId, token, ip, mac, bytes }: AuthReport): Promise<AuthCode> {
  const tokenHash = hashToken(token);
  const now = ctx.now();
  const interval = gateway ? settingsOf(gateway).checkIntervalSeconds : defaultCheckIntervalSeconds;
  const reportDueAt = now + reportsMissedBeforeGone * interval * 1000;

  if (stage === 'login') {
    // A token issued without a MAC (the router's ARP lookup failed) takes the MAC reported here. A pinned
    // router's auth/ comes only from the router; an unpinned one's report is worth no more than its login/
    // URL, where anyone can write any MAC, so refusing would protect nothing and lock those guests out.
    const site = gateway && await ctx.store.getSite(gateway.siteId);
    const session = site && await ctx.store.startGuestSession({
      gatewayId, sessionKey: tokenHash, clientMac: mac, clientIp: ip, at: now, localDay: localCalendar(now, site.timezone).day, reportDueAt,
    });
    if (!session) {
      log.warn('wifidog login refused: token unknown, used, expired or issued to another device or router', { gateway: gatewayId, mac: maskMac(mac) });
      return 0;
    }
    log.info('guest online', { gateway: gatewayId, session: session.id, mac: maskMac(mac) });
    return 1;
  }

  const session = await ctx.store.findGuestSession(gatewayId, tokenHash);
  // A token that never started a session, or one from another router or device, keeps nobody online.
  if (!session || session.startedAt === null || session.gatewayId !== gatewayId || session.clientMac !== mac || session.clientIp !== ip) return 0;
  const counted = bytes && plausibleCounters(session, bytes, now) ? bytes : undefined;
  if (bytes && !counted) log.warn('wifidog counters not stored: more than the link could carry, or going backwards', { gateway: gatewayId, session: session.id });
  if (stage === 'logout') {
    await ctx.store.endGuestSession(session.id, 'logout', now, counted);
    log.info('guest logged out', { gateway: gatewayId, session: session.id });
    return 0;
  }
  if (session.endedAt !== null) return 0;
  const site = await ctx.store.getSite(session.siteId);
  if (!site || now >= session.startedAt + site.sessionMinutes * 60 * 1000) {
    await ctx.store.endGuestSession(session.id, 'session_length', now, counted);
    log.info('guest session ran out', { gateway: gatewayId, session: session.id });
    return 0;
  }
  await ctx.store.recordSessionReport(session.id, counted, now, reportDueAt);
  return 1;
}

export const wifidog: GatewayDriver = {
  type: 'wifidog',
  label: 'DD-WRT WiFiDog gateway',
  shortLabel: 'WiFiDog',

  options: [{
    name: 'check-interval', setting: 'checkIntervalSeconds', label: 'Check interval', placeholder: '<seconds>',
    help: `the router's Check Interval in seconds (default ${defaultCheckIntervalSeconds})`,
    default: String(defaultCheckIntervalSeconds),
    parse(text) {
      const seconds = Number(text);
      if (!/^\d{1,4}$/.test(text) || seconds < 10 || seconds > 3600) throw new UserError(`The check interval must be whole seconds from 10 to 3600, such as ${defaultCheckIntervalSeconds}: got "${text}"`);
      return seconds;
    },
  }, {
    name: 'router-address', setting: 'routerAddress', label: 'Router address', placeholder: '<ip>',
    help: "recommended: the IP address the router's requests come from, e.g. 192.0.2.7; from anywhere else they are refused",
    parse(text) {
      const routerAddress = text.toLowerCase();
      if (isIP(routerAddress) === 0) throw new UserError(`"${text}" is not an IP address: give the address the router's requests come from, such as 192.0.2.7`);
      return routerAddress;
    },
  }],

  // The router pings every check interval with its uptime, free memory and load.
  health: {
    reportIntervalSeconds: (settings) => settingsOf({ settings }).checkIntervalSeconds,
    facts: (reported) => [
      { label: 'Router uptime', value: secondsText(reported.sysUptime) },
      { label: 'Free memory', value: reported.sysMemfree == null ? '–' : `${reported.sysMemfree} kB` },
      { label: 'Load (1 min)', value: reported.sysLoad == null ? '–' : reported.sysLoad.toFixed(2) },
      { label: 'WiFiDog running for', value: secondsText(reported.daemonUptime) },
    ],
    explain: ({ status, reportIntervalSeconds: interval }) => status === 'never' ? 'This router has not reported itself yet.'
      : status === 'down' ? `Silent for more than ${silentIntervalsForDown * interval!} s (${silentIntervalsForDown} check intervals).` : '',
  },

  endpoints(ctx) {
    // What a router keeps sending is warned about now and then, not every minute.
    const warnNowAndThen = warningsNowAndThen(unknownGatewayWarningMs);
    // Counted once a request is valid, against the router's budget for its source address: its own
    // requests (auth/, ping/) apart from its guests' (login/, portal/). Over a limit the answer is a 429
    // without "Auth:", which the gateway treats as an error and leaves the guest as they are: a flood
    // with a stolen token cannot make Portico tell the router to disconnect anyone.
    const limit = ({ ip, req }: Exchange, kind: 'perGateway' | 'perGatewayGuests', gatewayId: string, token?: unknown) => {
      checkRateLimit(ctx.limiters, kind, gatewayKey(gatewayId, ip), req.url ?? '');
      checkRateLimit(ctx.limiters, 'perToken', token, req.url ?? '');
    };
    // A pinned router's own requests from anywhere else are refused, with a line now and then per address.
    const refusedElsewhere = (gateway: Gateway, { ip }: Exchange, request: string): boolean => {
      if (fromRouter(gateway, ip)) return false;
      warnNowAndThen(`pin ${request} ${gateway.id} ${ip}`, ctx.now(), `wifidog ${request} refused: not from the router's pinned address`, { gateway: gateway.id, ip: ip.slice(0, 45) });
      return true;
    };
    const routerContact = (request: string) => ctx.metrics.count('portico_router_contacts_total', { type: 'wifidog', request });

    // Matched with and without the trailing slash, so login/? and login? both arrive here.
    const login: Endpoint = { method: 'GET', path: '/wifidog/login', parameters: ['gw_id', 'gw_address', 'gw_port', 'mac', 'ip', 'url', 'lang'], async handle(exchange) {
      const { query } = exchange;
      const gatewayId = requiredField(query, 'gw_id', { max: 64, pattern: gatewayIdPattern });
      const gateway = await wifidogGateway(ctx, gatewayId);
      if (!gateway) {
        log.warn('wifidog login for an unregistered gateway', { gateway: gatewayId });
        throw new HttpError(404, 'This Wi-Fi network is not set up on this portal. Please tell the staff.', 'Unknown network');
      }
      const gatewayAddress = requiredField(query, 'gw_address', { max: 47 });
      const gatewayPort = requiredField(query, 'gw_port', { max: 5, pattern: /^\d+$/ });
      if (!isPrivateAddress(gatewayAddress) || Number(gatewayPort) < 1 || Number(gatewayPort) > 65535) {
        log.warn('wifidog login with a gateway address that is not a private one', { gateway: gateway.id });
        throw new HttpError(400, 'The Wi-Fi login address did not come from this venue\'s router. Please reconnect to the Wi-Fi and try again.');
      }
      // WiFiDog omits mac when its ARP lookup fails (src/http.c http_callback_404); the IP is always there.
      const { mac, ip } = reportedAddresses(query, { mac: 'mac', ip: 'ip' }, guestSource(ctx.config, exchange.ip));
      optionalField(query, 'url', { max: 2048 }); // the page the guest asked for: never followed

      const site = await ctx.store.getSite(gateway.siteId);
      if (!site) throw new HttpError(404, 'This Wi-Fi network is not set up on this portal.');
      limit(exchange, 'perGatewayGuests', gateway.id);
      const remembered = await rememberedAcceptance(ctx, gateway, site, mac);
      if (remembered) {
        // No new acceptance is written: the guest accepted nothing now. The session points at the
        // acceptance it relies on, which names the same terms release.
        const location = await issueLoginToken(ctx, { token: randomToken(), gateway, site, acceptance: remembered, mac, ip, gatewayAddress, gatewayPort });
        log.info('returning guest let through', { gateway: gateway.id, acceptance: remembered.id, mac: maskMac(mac) });
        return { status: 302, headers: { 'Cache-Control': 'no-store' }, redirect: location };
      }
      log.debug('wifidog guest captured', { gateway: gateway.id, mac: maskMac(mac) });
      return termsPage(ctx, exchange, {
        gateway, site, mac, ip,
        handoff: { gatewayAddress, gatewayPort },
        formFields: {},
        handoffOrigin: gatewayOrigin(gatewayAddress, gatewayPort),
      });
    } };

    const auth: Endpoint = {
      method: 'GET', path: '/wifidog/auth', parameters: ['stage', 'gw_id', 'token', 'ip', 'mac', 'incoming', 'outgoing'], async handle(exchange) {
      routerContact('auth');
      let report: AuthReport;
      try {
        report = parseAuthReport(exchange.query);
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        // The gateway reads only "Auth: N": a malformed question is a refusal it understands.
        log.warn('wifidog auth request refused', { reason: error.message, ip: exchange.ip });
        return authAnswer(0, 400);
      }
      const gateway = await wifidogGateway(ctx, report.gatewayId);
      if (gateway && refusedElsewhere(gateway, exchange, 'auth')) {
        return authAnswer(0, 403);
      }
      limit(exchange, 'perGateway', report.gatewayId, report.token);
      return authAnswer(await authStage(ctx, gateway, report));
    } };

    const ping: Endpoint = {
      method: 'GET', path: '/wifidog/ping', parameters: ['gw_id', 'sys_uptime', 'sys_memfree', 'sys_load', 'wifidog_uptime'], async handle(exchange) {
      routerContact('ping');
      const { query } = exchange;
      const gatewayId = requiredField(query, 'gw_id', { max: 64, pattern: gatewayIdPattern });
      const health = pingFigures(query);
      const now = ctx.now();
      const gateway = await wifidogGateway(ctx, gatewayId);
      if (gateway && refusedElsewhere(gateway, exchange, 'ping')) {
        return plainAnswer('Refused: not from the router', 403); // no Pong: what it says is not the router's health
      }
      limit(exchange, 'perGateway', gatewayId);
      // Still Pong otherwise: the router works; what it reports is only not recorded.
      if (!gateway) {
        warnNowAndThen(`unknown ${gatewayId}`, now, `WiFiDog router "${gatewayId}" is not registered; add it with: npx portico gateway add --type wifidog --id ${gatewayId}`, { gateway: gatewayId });
      } else if (!plausibleHealth(health, now)) {
        warnNowAndThen(`health ${gatewayId}`, now, 'wifidog ping not recorded: figures no router reports', { gateway: gatewayId });
      } else {
        await ctx.store.recordGatewayContact(gateway.id, reportedHealth(health), now);
      }
      return plainAnswer('Pong');
    } };

    // The gateway sends the guest here once it let them online (src/auth.c, AUTH_ALLOWED).
    const portal: Endpoint = { method: 'GET', path: '/wifidog/portal', parameters: ['gw_id', 'token', 'lang'], async handle(exchange) {
      const gatewayId = requiredField(exchange.query, 'gw_id', { max: 64, pattern: gatewayIdPattern });
      const token = optionalField(exchange.query, 'token', { max: 128 }); // sent by some gateways; the gateway id already names the venue
      const gateway = await wifidogGateway(ctx, gatewayId);
      const site = gateway && await ctx.store.getSite(gateway.siteId);
      if (!site) throw new HttpError(404, 'This Wi-Fi network is not set up on this portal.', 'Unknown network');
      limit(exchange, 'perGatewayGuests', gatewayId, token);
      return guestView(exchange, 'guest/online', site, { preview: false });
    } };

    const gatewayMessage: Endpoint = { method: 'GET', path: '/wifidog/gw_message.php', parameters: ['message'], handle(exchange) {
      const name = optionalField(exchange.query, 'message', { max: 32 }) ?? '';
      const page = Object.hasOwn(gatewayMessages, name) ? gatewayMessages[name] : undefined;
      if (!page) throw new HttpError(400, 'The Wi-Fi router sent a message this portal does not know. Open any website to try again.');
      return { headers: { 'Cache-Control': 'no-store' }, view: { name: 'error', locals: { ...guestErrorWords(page, exchange.query.lang, exchange.req.headers['accept-language']) } } };
    } };

    const endpoints = [login, auth, ping, portal, gatewayMessage];
    // DD-WRT's own default AuthServer Path is /wifidog, without the final slash, and wifidog-gateway joins
    // the path and its fragments as they are: the router then asks /wifidogping/, /wifidoglogin/, …
    // Served the same, so that its guests get online, with a line now and then telling the owner what to change.
    const slashless = endpoints.map((endpoint): Endpoint => ({
      ...endpoint,
      path: endpoint.path.replace('/wifidog/', '/wifidog'),
      handle(exchange) {
        const gatewayId = typeof exchange.query.gw_id === 'string' ? exchange.query.gw_id.slice(0, 64) : undefined;
        warnNowAndThen('slashless path', ctx.now(), `a WiFiDog router asks for ${endpoint.path.replace('/wifidog/', '/wifidog')}: its AuthServer Path lacks the final slash; set it to ${ctx.config.publicUrl.pathname}wifidog/ in DD-WRT's Services › Hotspot › WiFiDog`, { gateway: gatewayId });
        return endpoint.handle(exchange);
      },
    }));
    return [...endpoints, ...slashless];
  },

  checkAcceptForm(_ctx, _form, state) {
    // The state is signed by us, but it may come from a page made for another router type.
    if (!state.handoff.gatewayAddress || !state.handoff.gatewayPort || state.ip === null) {
      throw new HttpError(400, 'This page is out of date. Please open any website to see the terms again.', 'Page out of date');
    }
  },

  async handoff(ctx, { gateway, site, state, acceptance }) {
    const location = await issueLoginToken(ctx, {
      token: acceptedPageToken(ctx.driverKey(loginTokenKeyPurpose), state), gateway, site, acceptance, mac: state.mac, ip: state.ip!,
      gatewayAddress: state.handoff.gatewayAddress, gatewayPort: state.handoff.gatewayPort,
    });
    // 303: the browser GETs the gateway's /wifidog/auth, and the gateway asks us stage=login.
    return { status: 303, location };
  },

  handoffOrigin(state: GuestState) {
    return gatewayOrigin(state.handoff.gatewayAddress, state.handoff.gatewayPort);
  },

  setup(gateway, site, config) {
    const url = config.publicUrl;
    const ssl = url.protocol === 'https:';
    const port = url.port || (ssl ? '443' : '80');
    const { checkIntervalSeconds: interval, routerAddress } = settingsOf(gateway);
    const sessionSeconds = site.sessionMinutes * 60;
    // Idle guests are logged out after CheckInterval × ClientTimeout: about five minutes, never longer than a session.
    const clientTimeout = Math.max(1, Math.min(Math.floor(300 / interval), Math.floor(sessionSeconds / interval)));
    const field = (text: string, value: string | number, note?: string) => ({ text, values: [{ value: String(value) }], note });
    return {
      title: `DD-WRT (WiFiDog) setup for router "${gateway.id}" (${gateway.name}) of ${site.name}`,
      where: 'In DD-WRT, Services › Hotspot › WiFiDog, set these, then Save and Apply Settings:',
      steps: [
        field('WiFiDog daemon', 'Enable'),
        { text: 'Gateway Interface: the guest network\'s interface (the guest Wi-Fi or its bridge, such as br1 or wl0.1)', note: 'Only that network is captured; the staff LAN stays as it is.' },
        field('Gateway ID', gateway.id, 'Exactly as here: Portico serves only routers it knows by their id.'),
        field('Port', defaultGatewayPort),
        field('Max Users', recommendedMaxUsers, 'DD-WRT\'s default of 10 leaves the eleventh guest without Wi-Fi: give as many as the venue holds at its busiest.'),
        field('Check Interval (sec.)', interval),
        field('Client Timeout', clientTimeout, `Idle guests are logged out after ${interval * clientTimeout} s without traffic (Check Interval × Client Timeout).`),
        field('AuthServer Hostname', url.hostname),
        field('AuthServer SSL Available', ssl ? 'Enable' : 'Disable', ssl ? 'SSL needs a WiFiDog built with SSL support; if the router\'s pings never arrive, give the router a plain-HTTP address for Portico.' : undefined),
        ssl ? field('AuthServer SSL Port', port) : field('AuthServer HTTP Port', port),
        field('AuthServer Path', `${url.pathname}wifidog/`, 'With the slash at the end: DD-WRT\'s own default, /wifidog, lacks it.'),
      ],
      notes: [
        'WiFiDog lets guests reach the auth server before login by itself; nothing else needs opening.',
        routerAddress
          ? `Portico takes this router's own requests (auth/, ping/) only from ${routerAddress}, the address it is pinned to.`
          : 'Recommended: pin the router to the address its requests reach Portico from (its WAN address, or the venue\'s public '
            + 'address when Portico is in the cloud), so that no guest can answer for it: set its router address on this router\'s page '
            + `in the admin, or with npx portico gateway add --type wifidog --id ${gateway.id} --router-address <address> when adding it. `
            + 'Returning devices are let through without the terms (remember_days) only on a pinned router.',
        `Session length: ${site.sessionMinutes} minutes. The router asks Portico every ${interval} s, and Portico disconnects the guest at the first check after that (at most ${interval} s late).`,
        `The router pings Portico every ${interval} s; after ${interval * silentIntervalsForDown} s of silence it counts as down.`,
      ],
    };
  },
};
