import { Router, type Response } from 'express';
import type { Context } from '../context';
import { StoreConflictError, UserError } from '../errors';
import { log } from '../log';
import { optionalField } from '../request-fields';
import type { Site } from '../store/types';
import { createVenue, parseSiteSetting, parseVenueSlug } from '../venue-settings';
import { adminOf, operatorsOnly, venuePath, venuesOf } from './venue-scope';

/** The venues an account manages, with a way into each; operators add venues here. */
export function venueListRoutes(ctx: Context): Router {
  const router = Router();

  async function render(res: Response, status: number, values: Record<string, string>, error: string | null): Promise<void> {
    const admin = adminOf(res);
    const venues = await venuesOf(ctx, admin);
    const routers = await Promise.all(venues.map((site) => ctx.store.listGateways(site.id)));
    res.status(status).set('Cache-Control', 'no-store').render('admin/venues', {
      title: 'Venues', active: 'venues', values, error, canAdd: admin.role === 'operator',
      venues: venues.map((site, index) => ({ name: site.name, slug: site.slug, routers: routers[index].length, timezone: site.timezone, href: venuePath(ctx, site, 'dashboard') })),
    });
  }

  router.get('/venues', (_req, res) => render(res, 200, { name: '', slug: '' }, null));

  router.post('/venues', operatorsOnly, async (req, res) => {
    const values = { name: optionalField(req.body, 'name', { max: 100 }) ?? '', slug: optionalField(req.body, 'slug', { max: 40 }) ?? '' };
    let site: Site;
    try {
      const { name } = parseSiteSetting('venue_name', values.name);
      site = await createVenue(ctx.store, { slug: parseVenueSlug(values.slug), name }, ctx.now());
    } catch (error) {
      if (error instanceof UserError) return render(res, 400, values, error.message);
      if (error instanceof StoreConflictError) return render(res, 409, values, `There is a venue with the short name "${values.slug}" already.`);
      throw error;
    }
    log.info('venue added', { user: res.locals.adminUser, venue: site.slug });
    res.redirect(303, venuePath(ctx, site, 'settings'));
  });

  return router;
}
