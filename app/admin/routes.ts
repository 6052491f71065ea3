import express, { Router } from 'express';
import type { Context } from '../context';
import { dashboardRouter } from './dashboard';
import { parseLogoUpload } from './logo';
import { routerRoutes } from './routers';
import { adminSession, csrfTokens, requireAdmin } from './session';
import { settingsRoutes } from './settings';
import { signInRoutes } from './sign-in';
import { termsRoutes } from './terms';

/**
 * Everything under /admin (mounted there, so that guest and router requests never walk these routes), read top to bottom: body and session (here only), CSRF token, the pages
 * open without signing in, the sign-in check, then the signed-in pages. Paths are relative to /admin.
 */
export function adminRoutes(ctx: Context): Router {
  const router = Router();
  const signedIn = requireAdmin(ctx);
  const csrf = csrfTokens(ctx);

  // Express matches /Admin as /admin, but the session cookie's path is case-sensitive: send case variants to the canonical path.
  router.use((req, res, next) => (req.baseUrl === '/admin' ? next() : res.redirect(308, `${ctx.config.publicUrl.pathname}admin${req.url}`)));
  // Terms in six languages need more room than the guest pages' 16 kB.
  router.use(express.urlencoded({ extended: false, limit: '2mb', parameterLimit: 50 }), adminSession(ctx), csrf.expose);
  // The logo form is multipart: parsed here, for signed-in admins only, so that the CSRF check can read its _csrf field.
  router.use('/settings/logo', signedIn, parseLogoUpload);
  router.use(csrf.check);

  router.use(signInRoutes(ctx));
  router.use(signedIn);
  router.get('/', (_req, res) => res.redirect(303, `${ctx.config.publicUrl.pathname}admin/dashboard`));
  router.use(settingsRoutes(ctx));
  router.use(termsRoutes(ctx));
  router.use(routerRoutes(ctx));
  router.use(dashboardRouter(ctx));
  return router;
}
