import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { publicLink } from '../config';
import type { Context } from '../context';
import type { Exchange } from '../endpoint';
import { HttpError } from '../errors';
import { guestErrorWords } from '../guest/error-messages';
import { guestView, onlinePageUrl } from '../guest/guest-view';
import { termsPage } from '../guest/terms-page';
import { log, maskMac, warningsNowAndThen } from '../log';
import { memoizedPerObject } from '../memo';
import { guestSource, isPrivateAddress, reportedAddresses } from '../network-address';
import { interimSeconds } from '../radius/access';
import { issueLogin } from '../radius/credentials';
import type { RadiusSettings } from '../radius/routers';
import { radiusServer } from '../radius/server';
import { checkRateLimit, gatewayKey } from '../rate-limit';
import { optionalField, requiredField } from '../request-fields';
import type { Gateway, Site } from '../store/types';
import type { GatewayDriver } from './driver';
import { entryGateway } from './entry';
import { newSharedSecret, pinningNote, radiusFromOption, radiusSecretOption, sharedSecret } from './radius-options';

/*
 * CoovaChilli (DD-WRT's Services › Hotspot › Chillispot; coova-chilli on OpenWrt): a UAM portal. Chilli
 * sends each captured browser to its "UAM server" (Portico's /chilli/<id>) with res=notyet and a
 * challenge, signed with the UAM secret (md); after the acceptance the browser goes to the router's
 * logon URL with a CHAP response for a one-time login, the router asks Portico's RADIUS server, and
 * sends the browser back with res=success (../shared/reference/radius.md, part B).
 */

interface ChilliSettings extends RadiusSettings {
  uamSecret: string;
}

function settingsOf(gateway: Gateway): ChilliSettings {
  return gateway.settings as unknown as ChilliSettings;
}

/** The UAM server URL the router is given, which chilli's md signs: its path under PUBLIC_URL. */
function uamServerUrl(config: Context['config'], gateway: Gateway): string {
  return publicLink(config, `chilli/${encodeURIComponent(gateway.id)}`);
}

const md5 = (...parts: (string | Buffer)[]) => parts.reduce((hash, part) => hash.update(part), createHash('md5')).digest();

/**
 * Whether chilli signed this query: md = MD5(the URL it built, up to "&md=", + UAM secret), upper-case hex
 * (checked on the raw query, as chilli wrote it). After md only our own lang= may follow.
 */
function signedByRouter(exchange: Exchange, uamServer: string, uamSecret: string): boolean {
  const url = exchange.req.url ?? '';
  const query = url.slice(url.indexOf('?') + 1);
  const at = query.lastIndexOf('&md=');
  if (url.indexOf('?') < 0 || at < 0) return false;
  const given = query.slice(at + 4, at + 36);
  const after = query.slice(at + 36);
  if (!/^[0-9A-F]{32}$/i.test(given) || !/^(?:&lang=[a-z]{2})?$/.test(after)) return false;
  const expected = md5(`${uamServer}?${query.slice(0, at)}`, uamSecret);
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

/** CHAP as chilli's hotspotlogin does it: chal' = MD5(challenge octets + UAM secret), response = MD5(0x00 + password + chal'). */
export function chapResponse(challengeHex: string, uamSecret: string, password: string): string {
  const challenge = md5(Buffer.from(challengeHex, 'hex'), uamSecret);
  return md5(Buffer.from([0]), password, challenge).toString('hex');
}

/** The router's own web server, where the browser logs on: an IPv4 address on the guest network and a port. */
function routerPortal(query: Exchange['query']): { uamip: string; uamport: string } {
  const uamip = requiredField(query, 'uamip', { max: 15 });
  const uamport = requiredField(query, 'uamport', { max: 5, pattern: /^\d{1,5}$/ });
  if (isIP(uamip) !== 4 || !isPrivateAddress(uamip) || Number(uamport) < 1 || Number(uamport) > 65535) {
    throw new HttpError(400, 'The Wi-Fi login address did not come from this venue\'s router. Please reconnect to the Wi-Fi and try again.');
  }
  return { uamip, uamport };
}

const routerPages: Record<string, { title: string; message: string }> = {
  failed: { title: 'Not connected', message: 'The Wi-Fi router could not log you in. Open any website to see the terms again.' },
  logoff: { title: 'Logged out', message: 'You are logged out of the Wi-Fi. Open any website to log in again.' },
};

const radiusKind = { type: 'coovachilli', alwaysSignsRequests: true, asksRadius: () => true };

export const coovachilli: GatewayDriver = {
  type: 'coovachilli',
  label: 'CoovaChilli (DD-WRT Chillispot)',
  shortLabel: 'CoovaChilli',

  options: [radiusSecretOption, {
    name: 'uam-secret', setting: 'uamSecret', label: 'UAM secret', placeholder: '<secret>',
    help: 'the secret that signs the router\'s redirects to Portico; Portico makes one when none is given',
    parse: sharedSecret('The UAM secret'),
  }, radiusFromOption],

  settle(settings) {
    return { ...settings, radiusSecret: settings.radiusSecret ?? newSharedSecret(), uamSecret: settings.uamSecret ?? newSharedSecret() };
  },

  // Chilli's accounting (Accounting-On at its start, then each guest's updates) says it is alive.
  health: {
    reportIntervalSeconds: () => interimSeconds,
    facts: () => [],
    explain: ({ status }) => status === 'never' ? 'No RADIUS packet from this router yet: it sends one when chilli starts.'
      : status === 'down' ? 'No RADIUS accounting for a few minutes: normal while no guest is online; otherwise check the router.' : '',
  },

  listeners(ctx) {
    const server = radiusServer(ctx);
    server.serve(radiusKind);
    return [server.listener];
  },

  endpoints(ctx) {
    const warnNowAndThen = warningsNowAndThen(10 * 60_000);
    const onlinePage = memoizedPerObject((site: Site) => onlinePageUrl(ctx.config, site));
    const parameters = ['res', 'uamip', 'uamport', 'challenge', 'called', 'mac', 'ip', 'nasid', 'sessionid', 'userurl', 'md', 'uid', 'timeleft', 'reply', 'reason', 'lang'];
    return [{ method: 'GET', path: '/chilli/:gatewayId', parameters, async handle(exchange) {
      const { query } = exchange;
      const gateway = await entryGateway(ctx, exchange.params, 'coovachilli');
      const uamServer = uamServerUrl(ctx.config, gateway);
      if (!signedByRouter(exchange, uamServer, settingsOf(gateway).uamSecret)) {
        warnNowAndThen(`md ${gateway.id}`, ctx.now(), `chilli entry not signed with the router's UAM secret: the router's UAM Secret and Redirect URL must be exactly those of "npx portico gateway setup ${gateway.id}" (${uamServer})`, { gateway: gateway.id });
        throw new HttpError(400, 'The Wi-Fi login address did not come from this venue\'s router. Please reconnect to the Wi-Fi and try again.');
      }
      const site = await ctx.store.getSite(gateway.siteId);
      if (!site) throw new HttpError(404, 'This Wi-Fi network is not set up on this portal.');
      const res = requiredField(query, 'res', { max: 16 });
      if (res === 'success' || res === 'already') return guestView(exchange, 'guest/online', site, { preview: false });
      if (Object.hasOwn(routerPages, res)) {
        if (res === 'failed') log.warn('chilli could not log a guest in', { gateway: gateway.id, reason: optionalField(query, 'reason', { max: 16 }) });
        return { headers: { 'Cache-Control': 'no-store' }, view: { name: 'error', locals: { ...guestErrorWords(routerPages[res], query.lang, exchange.req.headers['accept-language']) } } };
      }
      if (res !== 'notyet' && res !== 'wispr') throw new HttpError(400, 'The Wi-Fi router sent a message this portal does not know. Open any website to try again.');

      if (requiredField(query, 'nasid', { max: 64 }) !== gateway.id) {
        warnNowAndThen(`nasid ${gateway.id}`, ctx.now(), `chilli entry with another NAS ID: set the router's RADIUS NAS ID to "${gateway.id}"`, { gateway: gateway.id });
        throw new HttpError(400, 'The Wi-Fi login page is not set up right on the router. Please tell the staff.', 'Wi-Fi not ready');
      }
      const { uamip, uamport } = routerPortal(query);
      const challenge = requiredField(query, 'challenge', { max: 32, pattern: /^[0-9a-f]{32}$/i }).toLowerCase();
      const { mac, ip } = reportedAddresses(query, { mac: 'mac', ip: 'ip' }, guestSource(ctx.config, exchange.ip));
      optionalField(query, 'userurl', { max: 2048 }); // the page the guest asked for (empty from a 1.9 router's first capture): never followed
      checkRateLimit(ctx.limiters, 'perGatewayGuests', gatewayKey(gateway.id, exchange.ip), exchange.req.url ?? '');
      log.debug('chilli guest captured', { gateway: gateway.id, mac: maskMac(mac) });
      return termsPage(ctx, exchange, {
        gateway, site, mac, ip,
        handoff: { uamip, uamport, challenge, online: onlinePage(site) },
        formFields: {},
        handoffOrigin: `http://${uamip}:${uamport}`,
      });
    } }];
  },

  checkAcceptForm() {
    // The form carries only the signed state: everything the handoff needs is in it.
  },

  async handoff(ctx, { gateway, state, acceptance }) {
    const { uamip, uamport, challenge, online } = state.handoff;
    const login = await issueLogin(ctx, gateway, acceptance, state.nonce, { mac: state.mac, ip: state.ip! });
    const logon = new URL(`http://${uamip}:${uamport}/logon`);
    logon.searchParams.set('username', login.username);
    logon.searchParams.set('response', chapResponse(challenge, settingsOf(gateway).uamSecret, login.password));
    // chilli sends the browser back with this as userurl; Portico shows "You're online" on res=success either way.
    logon.searchParams.set('userurl', online);
    return { status: 303, location: logon.href };
  },

  handoffOrigin(state) {
    return `http://${state.handoff.uamip}:${state.handoff.uamport}`;
  },

  setup(gateway, site, config) {
    const settings = settingsOf(gateway);
    const host = config.publicUrl.hostname.replace(/^\[|\]$/g, '');
    const port = config.publicUrl.port || (config.publicUrl.protocol === 'https:' ? '443' : '80');
    const uamServer = uamServerUrl(config, gateway);
    const authPort = config.radius?.authPort ?? 1812;
    const acctPort = config.radius?.acctPort ?? 1813;
    const otherPorts = authPort !== 1812 || acctPort !== 1813;
    const chilliConf = [
      `radiusserver1 ${host}`, `radiusserver2 ${host}`, `radiusauthport ${authPort}`, `radiusacctport ${acctPort}`,
      `radiussecret ${settings.radiusSecret}`, `radiusnasid ${gateway.id}`, `uamserver ${uamServer}`, `uamsecret ${settings.uamSecret}`,
      `uamallowed ${host}${port === '80' ? '' : `:${port}`}`, 'definteriminterval 60',
    ];
    return {
      title: `DD-WRT Chillispot setup for router "${gateway.id}" (${gateway.name}) of ${site.name}`,
      where: 'In DD-WRT, Services › Hotspot › Chillispot (CoovaChilli), then Save and Apply Settings:',
      steps: [
        { text: 'Chillispot', values: [{ value: 'Enable' }] },
        { text: 'Separate Wifi from the LAN Bridge', values: [{ value: 'Enable' }], note: 'Guests are then on a network of their own.' },
        { text: 'Primary Radius Server IP/DNS', values: [{ value: host }] },
        { text: 'Backup Radius Server IP/DNS', values: [{ value: host }], note: 'The same: chilli wants a second one.' },
        { text: 'DNS Server IP: a DNS server guests may use before they log in, such as the router\'s upstream DNS' },
        { text: 'Redirect URL', values: [{ value: uamServer }], note: 'Exactly this: the router signs its redirects with it and the UAM secret.' },
        { text: 'Shared Key', values: [{ value: settings.radiusSecret }] },
        { text: 'DHCP Interface: the guest interface (the wireless one, e.g. wlan0)' },
        { text: 'Radius NAS ID', values: [{ value: gateway.id }], note: 'Portico knows the router by it.' },
        { text: 'UAM Secret', values: [{ value: settings.uamSecret }] },
        { text: 'UAM Allowed', values: [{ value: `${host}${port === '80' ? '' : `:${port}`}` }], note: 'Guests reach Portico before they log in.' },
        ...(otherPorts ? [{ text: 'Additional Chillispot Options', values: [{ value: `radiusauthport ${authPort}` }, { value: `radiusacctport ${acctPort}` }] }] : []),
        { text: 'On OpenWrt (coova-chilli) instead: these lines in chilli\'s configuration (/etc/chilli.conf or its UCI equivalents), with dhcpif the guest interface', values: chilliConf.map((line) => ({ value: line })) },
      ],
      notes: [
        `The router asks Portico's RADIUS server (UDP ${authPort} and ${acctPort} on ${host}) for each guest: let those through any firewall between them.`,
        'Only guests who accepted the terms get online: each gets a one-time login for this router and their phone only.',
        `Each session lasts the venue's session length (${site.sessionMinutes} minutes); the dashboard shows its time and data.`,
        pinningNote(settings.radiusFrom),
      ],
    };
  },
};
