import express, { Router } from 'express';
import type { Context } from '../context';
import { HttpError } from '../errors';
import { dashboardRouter } from './dashboard';
import { adminErrors } from './error-page';
import { firstRunRoutes } from './first-run';
import { parseLogoUpload } from './logo';
import { overviewRoutes } from './overview';
import { routerRoutes } from './routers';
import { adminSession, csrfTokens, requireAdmin } from './session';
import { settingsRoutes } from './settings';
import { peopleRoutes } from './people';
import { signInRoutes } from './sign-in';
import { termsRoutes } from './terms';
import { adminHome, installationMenu, operatorsOnly, pagesBeforeVenues, venueRoutes } from './venue-scope';
import { venueListRoutes } from './venues';

/**
 * Everything under /admin (mounted there, so that guest and router requests never walk these routes), read top to bottom: session and body (here only), CSRF token, the pages
 * open without signing in, the sign-in check, then the signed-in pages (each venue's under /venues/<id>/, kept to the
 * account's venues in venue-scope.ts; the installation's own for operators last), and the admin's own error page. Paths are relative to /admin.
 */
export function adminRoutes(ctx: Context): Router {
  const router = Router();
  const signedIn = requireAdmin(ctx);
  const csrf = csrfTokens(ctx);

  // Express matches /Admin as /admin, but the session cookie's path is case-sensitive: send case variants to the canonical path.
  router.use((req, res, next) => (req.baseUrl === '/admin' ? next() : res.redirect(308, `${ctx.config.publicUrl.pathname}admin${req.url}`)));
  // The session first, so that a form refused as too large is answered on a page with the menu.
  router.use(adminSession(ctx));
  // Terms in six languages need more room than the guest pages' 16 kB.
  router.use(express.urlencoded({ extended: false, limit: '2mb', parameterLimit: 50 }), csrf.expose);
  // The logo form is multipart: parsed here, for signed-in admins only, so that the CSRF check can read its _csrf field.
  router.use('/venues/:venueId/settings/logo', signedIn, parseLogoUpload);
  router.use(csrf.check);

  router.use(signInRoutes(ctx));
  router.use(signedIn, installationMenu(ctx));
  router.get('/', adminHome(ctx));
  router.use(venueRoutes(ctx, [settingsRoutes(ctx), termsRoutes(ctx), routerRoutes(ctx), dashboardRouter(ctx), firstRunRoutes(ctx)]));
  router.use(venueListRoutes(ctx));
  router.use(pagesBeforeVenues(ctx));
  router.use(operatorsOnly, overviewRoutes(ctx), peopleRoutes(ctx));
  router.use((_req, _res, next) => next(new HttpError(404, 'There is no admin page at this address.')));
  router.use(adminErrors(ctx));
  return router;
}
