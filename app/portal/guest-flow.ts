import { describeAcceptance } from '../acceptance-record';
import type { Context } from '../context';
import { deviceIdFor } from '../device-id';
import type { Answer, Exchange } from '../endpoint';
import { HttpError } from '../errors';
import { driverFor } from '../gateways';
import { guestView } from '../guest/guest-view';
import { readSmallForm } from '../guest/small-form';
import { verifyState } from '../guest/state';
import { termsPage } from '../guest/terms-page';
import { log, maskMac } from '../log';
import { checkReportedIp, guestSource } from '../network-address';
import { storablePersonalFields } from '../privacy';
import { requiredField } from '../request-fields';
import { venueNamedInPath } from '../venue-settings';

const expired = () => new HttpError(400, 'This page has expired. Open any website to see the Wi-Fi terms again.', 'Page expired');

/** The router-independent part of the guest flow: preview, accept, online (their URLs: edge/endpoints.ts). */
export interface GuestFlow {
  preview(exchange: Exchange): Promise<Answer>;
  accept(exchange: Exchange): Promise<Answer>;
  online(exchange: Exchange): Promise<Answer>;
}

export function guestFlow(ctx: Context): GuestFlow {
  // A venue's guest page as a captured guest sees it, without a router: /preview/<venue id>, or the first venue's at /preview.
  async function preview(exchange: Exchange): Promise<Answer> {
    const site = exchange.params.siteId === undefined ? await ctx.store.getDefaultSite() : await venueNamedInPath(ctx.store, exchange.params.siteId);
    if (!site) throw new HttpError(exchange.params.siteId === undefined ? 503 : 404, exchange.params.siteId === undefined ? 'No venue is set up yet.' : 'There is no venue at this address.');
    return termsPage(ctx, exchange, { gateway: null, site, mac: null, ip: null, handoff: {}, formFields: {}, handoffOrigin: null });
  }

  // The guests' one form.
  async function accept(exchange: Exchange): Promise<Answer> {
    const form = await readSmallForm(exchange.req, { maxBytes: 16 * 1024, maxFields: 50 });
    const state = verifyState(ctx.keys.guestState, requiredField(form, 'state', { max: 4096 }), ctx.now());
    if (!state) throw expired();
    const terms = await ctx.store.getTermsVersion(state.termsVersionId);
    if (!terms) throw expired();
    if (state.gatewayId === null) {
      // The preview records nothing: it is the owner looking, not a guest accepting.
      const site = await ctx.store.getSite(terms.siteId);
      if (!site) throw expired();
      return guestView(exchange, 'guest/online', site, { preview: true });
    }
    const gateway = await ctx.store.getGateway(state.gatewayId);
    const driver = gateway && driverFor(gateway.type);
    const site = gateway && await ctx.store.getSite(gateway.siteId);
    if (!gateway || !driver || !site || site.id !== terms.siteId) throw expired();
    driver.checkAcceptForm(ctx, form, state, site);
    // The page may have been carried to another device of the guest LAN, to accept in this one's name.
    if (state.ip !== null) checkReportedIp(guestSource(ctx.config, exchange.ip), state.ip);

    const acceptance = await ctx.store.recordAcceptance(describeAcceptance(site, {
      acceptedAt: ctx.now(),
      gatewayId: gateway.id,
      termsVersionId: terms.id,
      deviceId: state.mac === null ? null : deviceIdFor(ctx.keys.deviceId, state.mac),
      ...storablePersonalFields(ctx.config, { clientMac: state.mac, clientIp: state.ip, userAgent: exchange.req.headers['user-agent']?.slice(0, 512) ?? null }),
      language: state.language,
      handoff: `${driver.type} ${driver.handoffOrigin(state)}`,
      stateNonce: state.nonce,
      routerUnauthenticated: driver.unauthenticatedArrival?.(state) ?? false,
    }));
    if (acceptance.repeat) {
      // The same page again (a double tap, a reload, a replay): its first acceptance stands, handed on the same way.
      log.info('acceptance repeated', { id: acceptance.id, gateway: gateway.id });
    } else {
      ctx.metrics.count('portico_acceptances_total', { type: driver.type });
      log.info('acceptance recorded', { id: acceptance.id, gateway: gateway.id, terms: terms.release, mac: maskMac(state.mac) });
    }
    const handoff = await driver.handoff(ctx, { gateway, site, state, acceptance });
    return { status: handoff.status, redirect: handoff.location };
  }

  async function online(exchange: Exchange): Promise<Answer> {
    const site = await venueNamedInPath(ctx.store, exchange.params.siteId);
    if (!site) throw new HttpError(404, 'There is no venue at this address.');
    return guestView(exchange, 'guest/online', site, { preview: false });
  }

  return { preview, accept, online };
}
