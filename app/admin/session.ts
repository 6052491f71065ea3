import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import session from 'express-session';
import type { Context } from '../context';
import { HttpError } from '../http-error';
import { log } from '../log';
import { AdminSessionStore } from './session-store';

declare module 'express-session' {
  interface SessionData {
    /** The synchronizer token every changing form under /admin sends back as _csrf. */
    csrfToken: string;
    adminUserId: number;
    /** When this session signed in: a password changed later signs it out. */
    signedInAt: number;
  }
}

const sessionLifetimeMs = 12 * 60 * 60_000;

/**
 * express-session for /admin only (guest and router paths never pay for it): a database store,
 * nothing saved until there is something to keep, a cookie scoped to /admin, httpOnly, SameSite=Lax,
 * and Secure when Portico is reached over HTTPS.
 */
export function adminSession(ctx: Context): RequestHandler {
  return session({
    name: 'portico_admin',
    secret: ctx.keys.adminSession.toString('hex'),
    store: new AdminSessionStore(ctx, sessionLifetimeMs),
    resave: false,
    saveUninitialized: false,
    cookie: {
      path: `${ctx.config.publicUrl.pathname}admin`,
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.config.secure,
      maxAge: sessionLifetimeMs,
    },
  });
}

const newToken = () => randomBytes(32).toString('base64url');

/** Gives every admin page a CSRF token for its forms (res.locals.csrfToken). */
export const exposeCsrfToken: RequestHandler = (req, res, next) => {
  if (!req.session.csrfToken && (req.method === 'GET' || req.method === 'HEAD')) {
    req.session.csrfToken = newToken();
    // A visitor refused with an error page keeps no session: express-session stores a new session only
    // when it was changed, and decides in res.end, so the token is taken back just before. Otherwise
    // every refused request to /admin would write a session row.
    const end = res.end;
    res.end = function (this: typeof res, ...args: Parameters<typeof end>) {
      if (res.statusCode >= 400 && req.session) delete req.session.csrfToken;
      return end.apply(this, args);
    } as typeof end;
  }
  res.locals.csrfToken = req.session.csrfToken;
  next();
};

function sameToken(given: unknown, expected: string | undefined): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Refuses a changing request whose _csrf field is not this session's token. */
export const checkCsrf: RequestHandler = (req, _res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  if (!sameToken((req.body as Record<string, unknown> | undefined)?._csrf, req.session.csrfToken)) {
    log.warn('admin form without a valid CSRF token', { path: req.originalUrl.split('?')[0].slice(0, 200), ip: req.ip ?? '' });
    throw new HttpError(403, 'This form has expired or did not come from Portico. Go back, reload the page and try again.', 'Form expired');
  }
  next();
};

function promised(action: (done: (error?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => action((error) => (error ? reject(error) : resolve())));
}

/** Signs the user in on a fresh session id (no fixation) with a fresh CSRF token. */
export async function signIn(ctx: Context, req: Request, userId: number): Promise<void> {
  await promised((done) => req.session.regenerate(done));
  req.session.adminUserId = userId;
  req.session.signedInAt = ctx.now();
  req.session.csrfToken = newToken();
}

export function signOut(req: Request): Promise<void> {
  return promised((done) => req.session.destroy(done));
}

/**
 * Lets signed-in admins through with res.locals.adminUser; others go to the sign-in page (pages)
 * or get a 403 (anything that changes something).
 */
export function requireAdmin(ctx: Context): RequestHandler {
  return async (req, res, next) => {
    const { adminUserId, signedInAt } = req.session;
    const user = adminUserId === undefined ? undefined : await ctx.store.getAdminUser(adminUserId);
    if (user && signedInAt !== undefined && signedInAt >= user.passwordChangedAt) {
      res.locals.adminUser = user.username;
      return next();
    }
    if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(303, `${ctx.config.publicUrl.pathname}admin/login`);
    throw new HttpError(403, 'Please sign in to the admin first.', 'Not signed in');
  };
}
