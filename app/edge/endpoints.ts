import type { Context } from '../context';
import type { Endpoint } from '../endpoint';
import { drivers } from '../gateways';
import { logoAnswer } from '../guest/logo';
import { stylesheetAnswer } from '../guest/stylesheets';
import { captivePortal } from '../portal/captive-portal-api';
import { guestFlow } from '../portal/guest-flow';

/**
 * Every URL a guest or a router calls, served on the edge: the guest flow, the captive-portal API,
 * the guest pages' stylesheet and logo, and each router driver's own endpoints. The owner's URLs are
 * in admin/routes.ts and monitoring.ts, on Express.
 */
export function guestEndpoints(ctx: Context): Endpoint[] {
  const flow = guestFlow(ctx);
  const captive = captivePortal(ctx);
  return [
    { method: 'GET', path: '/preview', parameters: ['lang'], handle: flow.preview },
    { method: 'GET', path: '/preview/:siteId', parameters: ['lang'], handle: flow.preview },
    { method: 'POST', path: '/accept', parameters: ['state', 'accept'], handle: flow.accept },
    // Where routers send the guest once online (a redirect URL the router passed on): the last full page
    // navigation, which lets the mini-browser see the connection, with the venue website one tap away.
    { method: 'GET', path: '/online/:siteId', parameters: ['lang'], handle: flow.online },
    { method: 'GET', path: '/api/captive-portal', parameters: [], handle: captive.api },
    { method: 'GET', path: '/api/captive-portal/:siteId', parameters: [], handle: captive.api },
    { method: 'GET', path: '/portal', parameters: ['lang'], handle: captive.portal },
    { method: 'GET', path: '/portal/:siteId', parameters: ['lang'], handle: captive.portal },
    { method: 'GET', path: '/style/:name', parameters: [], handle: stylesheetAnswer },
    { method: 'GET', path: '/logo/:file', parameters: [], handle: (exchange) => logoAnswer(ctx, exchange) },
    ...[...drivers.values()].flatMap((driver) => driver.endpoints(ctx)),
  ];
}
