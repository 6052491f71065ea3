import { isIP } from 'node:net';
import { publicLink } from '../config';
import type { Context } from '../context';
import { onlinePageUrl } from '../guest/guest-view';
import { termsPage } from '../guest/terms-page';
import type { GuestState } from '../guest/state';
import { HttpError, UserError } from '../errors';
import { log, maskMac } from '../log';
import { memoized, memoizedPerObject } from '../memo';
import { guestSource, isPrivateAddress, reportedAddresses } from '../network-address';
import { checkRateLimit, gatewayKey } from '../rate-limit';
import { interimSeconds } from '../radius/access';
import { issueLogin, loginFor } from '../radius/credentials';
import type { RadiusSettings } from '../radius/routers';
import { radiusServer } from '../radius/server';
import { optionalField, requiredField } from '../request-fields';
import type { Gateway, Site } from '../store/types';
import type { GatewayDriver, SetupStep } from './driver';
import { entryGateway } from './entry';
import { newSharedSecret, pinningNote, radiusFromOption, radiusSecretOption } from './radius-options';

/*
 * pfSense has no external-portal mode (pfsense/pfsense src/usr/local/captiveportal/index.php).
 * The zone's uploaded "Portal page contents" (uploadPage below) forwards the captured browser to
 * us with pfSense's placeholders; after the acceptance the guest's own browser must POST to
 * $PORTAL_ACTION$, because index.php logs in whoever sends that POST (by source IP and ARP MAC).
 * In RADIUS mode ("Use an Authentication backend") the same POST carries a one-time login that
 * pfSense checks with Portico's RADIUS server before it opens the firewall, and pfSense's accounting
 * then reports the session (../shared/reference/radius.md, part A).
 */

const zonePattern = /^[a-z0-9_]{1,32}$/i;
/** A pfSense placeholder such as $PORTAL_ZONE$, as the page has it before pfSense fills it in. */
const placeholderPattern = /^\$[A-Z_]{1,32}\$$/;
const hostPortPattern = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i;

interface PfSenseSettings extends Partial<RadiusSettings> {
  /** host[:port] of the pfSense portal; when set, $PORTAL_ACTION$ must point exactly there. */
  address?: string;
  /** "none": pfSense lets in whoever posts; "radius": it asks Portico's RADIUS server first. */
  mode: 'none' | 'radius';
}

function settingsOf(gateway: Gateway): PfSenseSettings {
  return { ...(gateway.settings as Partial<PfSenseSettings>), mode: gateway.settings.mode === 'radius' ? 'radius' : 'none' };
}

const radiusSettingKeys = new Set(['nasId', 'radiusSecret', 'radiusFrom']);

const asksRadius = (gateway: Gateway) => settingsOf(gateway).mode === 'radius';

/** The RADIUS server's view of pfSense: 2.7 and 2.8 never sign an Access-Request, so one is checked when signed. */
const radiusKind = { type: 'pfsense', alwaysSignsRequests: false, asksRadius };

/**
 * The portal action to POST the guest's login to, rebuilt from its checked parts, or null when it is
 * not pfSense's index.php on the registered address (or, with none registered, on a private one).
 */
export function checkPortalAction(raw: string, zone: string, gateway: Gateway): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.pathname !== '/index.php') return null;
  const actionZone = url.searchParams.get('zone');
  if (actionZone !== null && actionZone.toLowerCase() !== zone.toLowerCase()) return null;

  const { address } = settingsOf(gateway);
  if (address) {
    const [, host, port] = hostPortPattern.exec(address)!;
    if (url.hostname.toLowerCase() !== host.toLowerCase()) return null;
    if (port !== undefined && url.port !== port) return null;
  } else if (!isPrivateAddress(url.hostname)) {
    return null;
  }
  const action = new URL('/index.php', url.origin);
  action.searchParams.set('zone', zone);
  return action;
}

/** A checked portal action: where the accept form goes, and the origin the page's CSP must allow. */
interface PortalAction {
  href: string;
  origin: string;
}

// Every guest of a zone arrives with the same $PORTAL_ACTION$: each is checked once per router (as the
// store hands it out, until it changes), a bounded number of them, since the text comes from the request.
const portalActionsOf = memoizedPerObject((gateway: Gateway) => memoized((zoneAndAction: string): PortalAction | null => {
  const space = zoneAndAction.indexOf(' '); // zones have no spaces
  const url = checkPortalAction(zoneAndAction.slice(space + 1), zoneAndAction.slice(0, space), gateway);
  return url && { href: url.href, origin: url.origin };
}, 64));

// Parsed once per portal action (a router has one), not once per acceptance.
const originOf = memoized((href: string) => new URL(href).origin);

function entryUrl(gateway: Gateway, config: Context['config']): string {
  return publicLink(config, `pfsense/${encodeURIComponent(gateway.id)}`);
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escapeAttribute = (text: string) => text.replace(/[&<>"]/g, (c) => escapes[c]);

export const pfsense: GatewayDriver = {
  type: 'pfsense',
  label: 'pfSense captive portal',
  shortLabel: 'pfSense',

  options: [{
    name: 'address', setting: 'address', label: 'Address', placeholder: '<host[:port]>',
    help: 'the portal address guests reach, host or host:port, e.g. 192.168.10.1:8002',
    parse(given) {
      // Owners paste what the browser showed: http://192.168.10.1:8002/ is the same portal address.
      const pasted = /^https?:\/\/([^/?#]*)\/?$/i.exec(given);
      if (/^[a-z]+:\/\//i.test(given) && !pasted) {
        throw new UserError(`Give the pfSense portal's address alone, such as 192.168.10.1:8002, without a path: got "${given}"`);
      }
      const address = (pasted ? pasted[1] : given).toLowerCase();
      const match = hostPortPattern.exec(address);
      if (!match || (match[2] !== undefined && (Number(match[2]) < 1 || Number(match[2]) > 65535))) {
        throw new UserError(`"${given}" is not an address: give the pfSense portal as guests reach it, such as 192.168.10.1:8002`);
      }
      // Guests reach the portal on their own network: an IP address outside the ranges routers live in
      // (private, carrier-grade NAT, loopback) is not this portal's (a typo, or the WAN side).
      const host = match[1].replace(/^\[|\]$/g, '');
      if (isIP(host) !== 0 && !isPrivateAddress(host)) {
        throw new UserError(`${host} is a public address: give the pfSense portal's address on the guest network, such as 192.168.10.1:8002`);
      }
      return address;
    },
  }, {
    name: 'mode', setting: 'mode', label: 'Authentication', placeholder: '<none|radius>', default: 'none', choices: ['none', 'radius'],
    help: 'none: pfSense lets in whoever posts the login; radius: pfSense asks Portico\'s RADIUS server, and reports sessions and data',
    parse(given) {
      const mode = given.toLowerCase();
      if (mode !== 'none' && mode !== 'radius') throw new UserError(`Authentication is "none" or "radius", not "${given}"`);
      return mode;
    },
  }, {
    name: 'nas-id', setting: 'nasId', label: 'NAS Identifier', placeholder: '<name>',
    help: 'RADIUS mode: the zone\'s NAS Identifier, 3 to 64 letters, digits or . _ : - (default: the router\'s id)',
    parse(given) {
      if (!/^[A-Za-z0-9._:-]{3,64}$/.test(given)) throw new UserError(`The NAS Identifier must be 3 to 64 letters, digits, ".", "_", ":" or "-": got "${given.slice(0, 80)}"`);
      return given;
    },
  }, radiusSecretOption, radiusFromOption],

  settle(settings) {
    if (settings.mode !== 'radius') {
      // "None" mode asks no RADIUS server: nothing of it is kept.
      return Object.fromEntries(Object.entries(settings).filter(([key]) => !radiusSettingKeys.has(key)));
    }
    return { ...settings, radiusSecret: settings.radiusSecret ?? newSharedSecret() };
  },

  // In "None" mode pfSense has no call of its own to Portico: its state is only what guests' acceptances
  // show. In RADIUS mode its accounting says it is alive, but only while guests are online.
  health: {
    reportIntervalSeconds: (settings) => (settings.mode === 'radius' ? interimSeconds : null),
    facts: () => [],
    explain: ({ status, reportIntervalSeconds }) => {
      if (reportIntervalSeconds === null) return 'This router has not reported itself (pfSense never does in "None" mode).';
      if (status === 'never') return 'No RADIUS packet from this router yet: it sends them once a guest logs in.';
      return status === 'down' ? 'No RADIUS accounting for a few minutes: normal while no guest is online; otherwise check its accounting settings.' : '';
    },
  },

  listeners(ctx) {
    const server = radiusServer(ctx);
    server.serve(radiusKind);
    return [server.listener];
  },

  endpoints(ctx) {
    const onlinePage = memoizedPerObject((site: Site) => onlinePageUrl(ctx.config, site));
    // The uploaded page submits pfSense's placeholders here as a GET form.
    const parameters = ['zone', 'portal_action', 'redirurl', 'client_mac', 'client_ip', 'lang'];
    return [{ method: 'GET', path: '/pfsense/:gatewayId', parameters, async handle(exchange) {
      const { query } = exchange;
      const gateway = await entryGateway(ctx, exchange.params, 'pfsense');
      // The page pfSense serves was not the one it fills in: the guest learns the Wi-Fi is misconfigured, the log says how to fix it.
      if (['zone', 'portal_action', 'redirurl'].some((name) => typeof query[name] === 'string' && placeholderPattern.test(query[name]))) {
        log.warn(`pfsense entry with pfSense's placeholders left as they are: upload the page from "npx portico gateway page ${gateway.id}" as the zone's Portal page contents, which pfSense fills in`, { gateway: gateway.id });
        throw new HttpError(400, 'The Wi-Fi login page is not set up right on the router. Please tell the staff.', 'Wi-Fi not ready');
      }
      const zone = requiredField(query, 'zone', { max: 32, pattern: zonePattern }).toLowerCase();
      const rawAction = requiredField(query, 'portal_action', { max: 512 });
      const action = portalActionsOf(gateway)(`${zone} ${rawAction}`);
      if (!action) {
        log.warn('pfsense entry with a portal action that is not the gateway', { gateway: gateway.id });
        throw new HttpError(400, 'The Wi-Fi login address did not come from this venue\'s router. Please reconnect to the Wi-Fi and try again.');
      }
      // pfSense leaves MAC empty when ARP has no entry (a routed guest network); the IP is always known.
      const { mac, ip } = reportedAddresses(query, { mac: 'client_mac', ip: 'client_ip' }, guestSource(ctx.config, exchange.ip));
      optionalField(query, 'redirurl', { max: 2048 }); // the page the guest asked for: never followed

      const site = await ctx.store.getSite(gateway.siteId);
      if (!site) throw new HttpError(404, 'This Wi-Fi network is not set up on this portal.');
      // Only a valid entry counts, against what this router's guests may send from one address (rate-limit.ts).
      checkRateLimit(ctx.limiters, 'perGatewayGuests', gatewayKey(gateway.id, exchange.ip), exchange.req.url ?? '');
      log.debug('pfsense guest captured', { gateway: gateway.id, mac: maskMac(mac) });
      // After the login pfSense sends the browser to redirurl: our "You're online" page, a full
      // navigation on a host the guest can reach, which links to the venue website.
      const redirurl = onlinePage(site);
      return termsPage(ctx, exchange, {
        gateway, site, mac, ip,
        handoff: { action: action.href, zone, redirurl },
        formFields: { zone, redirurl },
        // In RADIUS mode the 307 re-posts this form to pfSense: the one-time login must be in it already.
        pageFields: asksRadius(gateway) ? (nonce) => {
          const { username, password } = loginFor(ctx, nonce);
          return { auth_user: username, auth_pass: password };
        } : undefined,
        handoffOrigin: action.origin,
      });
    } }];
  },

  checkAcceptForm(ctx, form, state) {
    // These fields go on to pfSense with the 307; they must be the ones the page was given.
    const zone = optionalField(form, 'zone', { max: 32 });
    const redirurl = optionalField(form, 'redirurl', { max: 2048 });
    const user = optionalField(form, 'auth_user', { max: 64 });
    const login = user === undefined ? undefined : loginFor(ctx, state.nonce);
    if (zone !== state.handoff.zone || redirurl !== state.handoff.redirurl
      || (login && (user !== login.username || optionalField(form, 'auth_pass', { max: 64 }) !== login.password))) {
      throw new HttpError(400, 'This page is out of date. Please open any website to see the terms again.', 'Page out of date');
    }
  },

  async handoff(ctx, { gateway, state, acceptance }) {
    // The login pfSense will ask the RADIUS server about, bound to this router and the addresses pfSense reported.
    if (asksRadius(gateway) && state.ip !== null) await issueLogin(ctx, gateway, acceptance, state.nonce, { mac: state.mac, ip: state.ip });
    // 307 keeps the method and body: the guest's browser POSTs accept, zone and redirurl (and the login) to pfSense.
    return { status: 307, location: state.handoff.action };
  },

  handoffOrigin(state: GuestState) {
    return originOf(state.handoff.action);
  },

  setup(gateway, site, config) {
    const host = config.publicUrl.hostname.replace(/^\[|\]$/g, '');
    const minutes = site.sessionMinutes;
    const idleMinutes = Math.min(30, minutes);
    const settings = settingsOf(gateway);
    const radius = settings.mode === 'radius';
    // pfSense's zone lets Portico through by name (Allowed Hostnames) or, for an address, by IP (Allowed IP Addresses).
    const allowed: SetupStep = isIP(host) === 0
      ? { text: 'Save. Then this zone\'s Allowed Hostnames tab › Add', values: [{ label: 'Hostname', value: host }, { label: 'Direction', value: 'Both' }, { label: 'Description', value: 'Portico' }] }
      : { text: 'Save. Then this zone\'s Allowed IP Addresses tab › Add', values: [{ label: 'IP Address', value: host }, { label: 'Mask', value: isIP(host) === 4 ? '32' : '128' }, { label: 'Direction', value: 'Both' }, { label: 'Description', value: 'Portico' }] };
    const radiusServerSteps: SetupStep[] = radius ? radiusServerSetup(gateway, config, settings) : [];
    const authentication: SetupStep[] = radius ? [
      { text: 'Authentication Method', values: [{ value: 'Use an Authentication backend' }] },
      { text: 'Authentication Server', values: [{ value: 'radius - Portico' }] },
      { text: 'NAS Identifier', values: [{ value: settings.nasId ?? gateway.id }], note: 'Portico knows the router by it.' },
      { text: 'Reauthenticate Users: leave unticked', note: 'Portico ends each session through its Session-Timeout; ticked also works, and a session past the venue\'s session length is then refused.' },
      { text: 'Session timeout: tick "Use RADIUS Session-Timeout attributes"', note: 'pfSense then ends each session when the venue\'s session length is over.' },
      { text: 'Accounting: tick "Send RADIUS accounting packets"; Accounting Server', values: [{ value: 'radius - Portico' }] },
      { text: 'Send accounting updates', values: [{ value: 'Interim' }], note: 'Each session\'s time and data then reach the dashboard every minute.' },
      { text: 'Accounting style: leave "Invert Acct-Input-Octets and Acct-Output-Octets" unticked' },
    ] : [{ text: 'Authentication Method', values: [{ value: 'None, don\'t authenticate users' }] }];
    return {
      title: `pfSense setup for router "${gateway.id}" (${gateway.name}) of ${site.name}${radius ? ', RADIUS mode' : ''}`,
      where: radius
        ? 'In pfSense, first add Portico as a RADIUS server (System › User Manager › Authentication Servers › Add), then in Services › Captive Portal add or edit the guest zone, tick "Enable Captive Portal", choose the guest interface, then:'
        : 'In pfSense, Services › Captive Portal, add or edit the guest zone, tick "Enable Captive Portal", choose the guest interface, then:',
      steps: [
        ...radiusServerSteps,
        { text: 'Portal page contents: upload the page Portico made for this router', uploadsPage: true, note: 'It sends each captured guest on to Portico, with or without JavaScript.' },
        ...authentication,
        { text: 'After authentication Redirection URL: leave empty', note: `Portico sends guests to its "You're online" page (${onlinePageUrl(config, site)}), which links to the venue website ${site.websiteUrl}.` },
        { text: 'Pre-authentication redirect URL: leave empty' },
        { text: 'Logout popup window: leave unticked', note: 'A popup would replace the redirect to the website.' },
        { text: 'Hard timeout (Minutes)', values: [{ value: String(minutes) }], note: `The venue's session length: pfSense ends each guest's session after it.` },
        { text: 'Idle timeout (Minutes)', values: [{ value: String(idleMinutes) }], note: 'A guest who leaves frees the session after this long without traffic; one who is back later sees the terms again.' },
        allowed,
        { text: 'Services › DHCP Server › the guest interface: Default and Maximum lease time, in seconds, longer than the hard timeout', values: [{ value: String(minutes * 60 + 3600) }], note: 'pfSense knows a guest by address: a phone given a new one mid-session would be captured again.' },
        { text: 'Services › DNS Resolver: enabled, listening on the guest interface', note: 'Guests must resolve names before they log in, or their phone never sees the portal.' },
      ],
      notes: [
        `Portico checks that the login form comes from this router${settings.address ? ` (${settings.address})` : ': any private or loopback address, until you give its address'}.`,
        ...(radius ? [
          'Only guests who accepted the terms get online: each gets a one-time login that works for this router and their phone only.',
          pinningNote(settings.radiusFrom),
        ] : []),
        `Guests reach Portico at ${entryUrl(gateway, config)}.`,
      ],
    };
  },

  uploadPage(gateway, site, config) {
    // pfSense substitutes the placeholders HTML-escaped but not URL-encoded, so they go into
    // hidden inputs and the browser encodes them when it submits the form.
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeAttribute(site.name)} Wi-Fi</title>
</head>
<body style="font-family:sans-serif;text-align:center;padding:2em 1em">
<form id="portico" method="get" action="${escapeAttribute(entryUrl(gateway, config))}">
<input type="hidden" name="portal_action" value="$PORTAL_ACTION$">
<input type="hidden" name="zone" value="$PORTAL_ZONE$">
<input type="hidden" name="redirurl" value="$PORTAL_REDIRURL$">
<input type="hidden" name="client_mac" value="$CLIENT_MAC$">
<input type="hidden" name="client_ip" value="$CLIENT_IP$">
<p>${escapeAttribute(site.name)} guest Wi-Fi</p>
<button type="submit" style="font-size:1.2em;padding:.6em 1.2em">Continue</button>
</form>
<script>document.getElementById('portico').submit();</script>
</body>
</html>
`;
  },
};

/** pfSense's RADIUS server form (System › User Manager › Authentication Servers), field by field. */
function radiusServerSetup(gateway: Gateway, config: Context['config'], settings: PfSenseSettings): SetupStep[] {
  const host = config.publicUrl.hostname.replace(/^\[|\]$/g, '');
  return [
    { text: 'RADIUS server: Descriptive name', values: [{ value: 'Portico' }] },
    { text: 'Type', values: [{ value: 'RADIUS' }] },
    { text: 'Protocol', values: [{ value: 'PAP' }], note: 'Not the default MS-CHAPv2: Portico checks PAP and MD5-CHAP logins.' },
    { text: 'Hostname or IP address', values: [{ value: host }] },
    { text: 'Shared Secret', values: [{ value: String(settings.radiusSecret) }] },
    { text: 'Services offered', values: [{ value: 'Authentication and Accounting' }] },
    { text: 'Authentication port and Accounting port', values: [{ label: 'Authentication port', value: String(config.radius?.authPort ?? 1812) }, { label: 'Accounting port', value: String(config.radius?.acctPort ?? 1813) }] },
    { text: 'Authentication Timeout', values: [{ value: '5' }] },
    { text: 'RADIUS NAS IP Attribute: the guest interface (the zone\'s)', note: `pfSense sends its packets to Portico over UDP from its own address: let them through any firewall between them. Save, then go on to the zone (router "${gateway.id}").` },
  ];
}
