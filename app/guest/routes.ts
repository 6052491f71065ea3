import { Router } from 'express';
import type { Context } from '../context';
import { driverFor } from '../gateways';
import { HttpError } from '../http-error';
import { log, maskMac } from '../log';
import { storablePersonalFields } from '../privacy';
import { requiredField } from '../request-fields';
import { deviceIdFor } from './device-id';
import { renderGuestView } from './guest-view';
import { verifyState } from './state';
import { smallForm } from './small-form';
import { renderTermsPage } from './terms-page';

const expired = () => new HttpError(400, 'This page has expired. Open any website to see the Wi-Fi terms again.', 'Page expired');

/** The router-independent part of the guest flow: preview, accept, online. */
export function guestRoutes(ctx: Context): Router {
  const router = Router();

  // The guest page as a captured guest sees it, without a router.
  router.get('/preview', async (_req, res) => {
    const site = await ctx.store.getDefaultSite();
    if (!site) throw new HttpError(503, 'No venue is set up yet.');
    await renderTermsPage(ctx, res, { gateway: null, site, mac: null, ip: null, handoff: {}, formFields: {}, handoffOrigin: null });
  });

  // The guests' one form: parsed here only, so that no GET of a guest or router passes a body parser.
  const acceptForm = smallForm({ maxBytes: 16 * 1024, maxFields: 50 });

  router.post('/accept', acceptForm, async (req, res) => {
    const state = verifyState(ctx.keys.guestState, requiredField(req.body, 'state', { max: 4096 }), ctx.now());
    if (!state) throw expired();
    const terms = await ctx.store.getTermsVersion(state.termsVersionId);
    if (!terms) throw expired();
    if (state.gatewayId === null) {
      // The preview records nothing: it is the owner looking, not a guest accepting.
      const site = await ctx.store.getSite(terms.siteId);
      if (!site) throw expired();
      renderGuestView(req, res, 'guest/online', site, { preview: true });
      return;
    }
    const gateway = await ctx.store.getGateway(state.gatewayId);
    const driver = gateway && driverFor(gateway.type);
    const site = gateway && await ctx.store.getSite(gateway.siteId);
    if (!gateway || !driver || !site || site.id !== terms.siteId) throw expired();
    driver.checkAcceptForm(req.body, state, site);

    const acceptance = await ctx.store.recordAcceptance(site, {
      acceptedAt: ctx.now(),
      gatewayId: gateway.id,
      termsVersionId: terms.id,
      deviceId: state.mac === null ? null : deviceIdFor(ctx.keys.deviceId, state.mac),
      ...storablePersonalFields(ctx.config, { clientMac: state.mac, clientIp: state.ip, userAgent: req.get('user-agent')?.slice(0, 512) ?? null }),
      language: state.language,
      handoff: `${driver.type} ${driver.handoffOrigin(state)}`,
    });
    ctx.metrics.count('portico_acceptances_total', { type: driver.type });
    log.info('acceptance recorded', { id: acceptance.id, gateway: gateway.id, terms: terms.release, mac: maskMac(state.mac) });
    const handoff = await driver.handoff(ctx, { gateway, site, state, acceptance });
    // Without res.redirect's negotiated HTML body: every browser follows Location, and the body cost a
    // tenth of the accept (an Accept header parsed and a page escaped per request).
    res.status(handoff.status).location(handoff.location).end();
  });

  // Where routers send the guest once online (pfSense: the posted redirurl): the last full page
  // navigation, which lets the mini-browser see the connection, with the venue website one tap away.
  router.get('/online/:siteId', async (req, res) => {
    const siteId = Number(req.params.siteId);
    const site = Number.isSafeInteger(siteId) ? await ctx.store.getSite(siteId) : undefined;
    if (!site) throw new HttpError(404, 'There is no venue at this address.');
    renderGuestView(req, res, 'guest/online', site, { preview: false });
  });

  return router;
}
