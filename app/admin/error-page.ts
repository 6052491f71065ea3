import type { ErrorRequestHandler } from 'express';
import type { Context } from '../context';
import { errorAnswer } from '../error-page';
import type { AdminUser, Site } from '../store/types';
import { venueNamedInPath } from '../venue-settings';
import { signedInAdmin } from './session';
import { mayManage, venuePath } from './venue-scope';

const sections: Record<string, string> = { dashboard: 'the dashboard', settings: 'the settings', terms: 'the terms', routers: 'the routers' };

/**
 * The way back from a refused admin request: to the page of the menu it came from (of a venue the account
 * may enter: `venueBase` is then its address); from any other, to the admin's start when signed in, else to the sign-in page.
 */
function wayBack(basePath: string, path: string, venueBase: string | undefined, signedIn: boolean): { href: string; label: string; section: string | null } {
  const section = /^\/venues\/\d+\/([a-z]+)/.exec(path)?.[1] ?? '';
  if (venueBase !== undefined && section in sections) return { href: `${venueBase}${section}`, label: `Back to ${sections[section]}`, section };
  if (signedIn) return { href: `${basePath}admin/`, label: 'Back to the admin', section: null };
  return { href: `${basePath}admin/login`, label: 'Go to the sign-in page', section: null };
}

/** Admin errors in the admin's layout, with its menu when signed in and a way back; the status, message and log line are those of every error page. */
export function adminErrors(ctx: Context): ErrorRequestHandler {
  return async (error, req, res, _next) => {
    const answer = errorAnswer(error, { method: req.method, path: req.originalUrl.split('?')[0], ip: req.ip ?? '' });
    if (res.headersSent) return;
    // Refused before the sign-in check (a form expired or too large): the session still says who is signed in,
    // and the venue in the address is theirs to go back to if they may manage it.
    const admin: AdminUser | undefined = res.locals.admin ?? (req.session ? await signedInAdmin(ctx, req) : undefined);
    const venue: Site | undefined = res.locals.venue ?? (admin && await venueNamedInPath(ctx.store, /^\/venues\/([^/]+)\//.exec(req.path)?.[1]));
    const ownVenue = admin && venue && mayManage(admin, venue) ? venue : undefined;
    const back = wayBack(ctx.config.publicUrl.pathname, req.path, ownVenue && venuePath(ctx, ownVenue), admin !== undefined);
    res.status(answer.status).set(answer.headers).render('admin/error', {
      ...answer.page, active: back.section, back, adminUser: admin?.username, csrfToken: res.locals.csrfToken ?? req.session?.csrfToken,
      venueName: ownVenue?.name, venuePath: ownVenue && venuePath(ctx, ownVenue),
    });
  };
}
