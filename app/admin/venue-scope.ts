import { Router, type RequestHandler, type Response } from 'express';
import type { Context } from '../context';
import { HttpError } from '../errors';
import type { AdminUser, Gateway, Site } from '../store/types';
import { venueNamedInPath } from '../venue-settings';

/**
 * The one place where an admin is kept to their venues. Every venue's pages live under
 * /admin/venues/<id>/; the router made here lets a request in only for a venue the signed-in account may
 * manage, with the venue in res.locals.venue, and answers 404 otherwise, as for a venue that does not exist,
 * so that a manager learns nothing about other venues. A router a page names is looked up through
 * venueGateway, which answers 404 for another venue's.
 */
export function venueRoutes(ctx: Context, pages: Router[]): Router {
  const router = Router();
  const venue = Router({ mergeParams: true });
  venue.use(enterVenue(ctx));
  for (const page of pages) venue.use(page);
  router.use('/venues/:venueId', venue);
  return router;
}

const noVenue = () => new HttpError(404, 'There is no venue at this address.', 'Not found');

function enterVenue(ctx: Context): RequestHandler {
  return async (req, res, next) => {
    const site = await venueNamedInPath(ctx.store, req.params.venueId as string);
    if (!site || !mayManage(adminOf(res), site)) throw noVenue();
    res.locals.venue = site;
    // For the menu of every page of the venue.
    res.locals.venueName = site.name;
    res.locals.venuePath = venuePath(ctx, site);
    next();
  };
}

/** Whether the account may see and change the venue: an operator every venue not removed, a manager those granted. */
export function mayManage(admin: AdminUser, site: Site): boolean {
  return site.removedAt === null && (admin.role === 'operator' || admin.venueIds.includes(site.id));
}

/** The venues the account manages, by name. */
export async function venuesOf(ctx: Context, admin: AdminUser): Promise<Site[]> {
  return (await ctx.store.listSites()).filter((site) => mayManage(admin, site));
}

/** The signed-in account (set by requireAdmin). */
export function adminOf(res: Response): AdminUser {
  return res.locals.admin as AdminUser;
}

/** The venue of a page under /admin/venues/<id>/. */
export function venueOf(res: Response): Site {
  return res.locals.venue as Site;
}

/** The address of a venue's admin page `page` (dashboard, settings, routers/lobby…), with the portal's base path. */
export function venuePath(ctx: Context, site: Site, page = ''): string {
  return `${ctx.config.publicUrl.pathname}admin/venues/${site.id}/${page}`;
}

/** One of the venue's routers; 404 for a router of another venue or none. */
export async function venueGateway(ctx: Context, site: Site, id: string): Promise<Gateway> {
  const gateway = await ctx.store.getGateway(id);
  if (!gateway || gateway.siteId !== site.id) throw new HttpError(404, 'This venue has no router with that id.', 'Not found');
  return gateway;
}

/** Lets operators through; a manager gets the 404 of a page that does not exist. */
export const operatorsOnly: RequestHandler = (_req, res, next) => {
  if (adminOf(res).role !== 'operator') throw new HttpError(404, 'There is no admin page at this address.', 'Not found');
  next();
};

/** Where an account lands in the admin: the dashboard of its one venue, else an operator's overview of all venues, or a manager's list of theirs. */
export function adminHome(ctx: Context): RequestHandler {
  return async (_req, res) => {
    const admin = adminOf(res);
    const venues = await venuesOf(ctx, admin);
    if (venues.length === 1) return res.redirect(303, venuePath(ctx, venues[0], 'dashboard'));
    res.redirect(303, `${ctx.config.publicUrl.pathname}admin/${admin.role === 'operator' ? 'overview' : 'venues'}`);
  };
}

/**
 * The pages' addresses from before venues (/admin/dashboard, /admin/routers/lobby…), bookmarked by owners:
 * a GET is sent on to the same page of the account's one venue, or to its list of venues when it has several.
 */
export function pagesBeforeVenues(ctx: Context): Router {
  const router = Router();
  router.get(/^\/(dashboard|dashboard\.csv|settings|terms|routers|preview)(\/.*)?$/, async (req, res) => {
    const venues = await venuesOf(ctx, adminOf(res));
    if (venues.length !== 1) return res.redirect(303, `${ctx.config.publicUrl.pathname}admin/venues`);
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    res.redirect(303, `${venuePath(ctx, venues[0], req.path.slice(1))}${query}`);
  });
  return router;
}

/** The installation's own pages in the menu: an operator's, or a manager's list of venues when they have several. */
export function installationMenu(ctx: Context): RequestHandler {
  return async (_req, res, next) => {
    const admin = adminOf(res);
    res.locals.installationPages = admin.role === 'operator' ? [['overview', 'Overview'], ['venues', 'Venues'], ['people', 'People']]
      : (await venuesOf(ctx, admin)).length > 1 ? [['venues', 'Venues']] : [];
    next();
  };
}
