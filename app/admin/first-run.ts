import { Router } from 'express';
import type { Context } from '../context';
import { log } from '../log';
import type { Site } from '../store/types';
import { newVenueDefaults, termsArePlaceholder } from '../venue-settings';
import { venueOf, venuePath } from './venue-scope';

export interface ChecklistItem {
  label: string;
  done: boolean;
  href: string;
  linkText: string;
}

/**
 * The first-run checklist, worked out from what the store holds: what a new venue still has to do
 * before guests see its own portal. Null once everything is done.
 */
export async function firstRunChecklist(ctx: Context, site: Site): Promise<ChecklistItem[] | null> {
  const admin = venuePath(ctx, site);
  const [router] = await ctx.store.listGateways(site.id);
  const items: ChecklistItem[] = [
    {
      label: 'Give the venue its name and website', done: site.name !== newVenueDefaults.name && site.websiteUrl !== newVenueDefaults.websiteUrl,
      href: `${admin}settings`, linkText: 'Settings',
    },
    { label: 'Publish your own terms of use', done: !await termsArePlaceholder(ctx.store, site), href: `${admin}terms`, linkText: 'Terms' },
    router
      ? { label: `Add your first router: ${router.name} is added, and its setup page says what to enter on it`, done: true, href: `${admin}routers/${encodeURIComponent(router.id)}`, linkText: 'Its setup page' }
      : { label: 'Add your first router, then follow its setup page', done: false, href: `${admin}routers`, linkText: 'Routers' },
    { label: 'Look at the guest page as guests will see it', done: site.guestPagePreviewedAt !== null, href: `${admin}preview`, linkText: 'Guest page preview' },
  ];
  return items.every((item) => item.done) ? null : items;
}

/** The guest page preview opened from the admin: noted for the checklist, then the preview itself. */
export function firstRunRoutes(ctx: Context): Router {
  const router = Router();
  router.get('/preview', async (_req, res) => {
    const site = venueOf(res);
    if (site.guestPagePreviewedAt === null) {
      await ctx.store.noteGuestPagePreviewed(site.id, ctx.now());
      log.info('guest page previewed for the first time', { user: res.locals.adminUser, venue: site.slug });
    }
    res.redirect(303, `${ctx.config.publicUrl.pathname}preview/${site.id}`);
  });
  return router;
}
