import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import session from 'express-session';
import type { Context } from '../context';
import { HttpError } from '../errors';
import { log } from '../log';
import { deriveKey } from '../secret';
import type { AdminUser } from '../store/types';
import { AdminSessionStore } from './session-store';

declare module 'express-session' {
  interface SessionData {
    /** The synchronizer token every changing form of a signed-in admin sends back as _csrf. */
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

function sameToken(given: unknown, expected: string | undefined): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const formCookie = 'portico_form';
const formLifetimeMs = 2 * 60 * 60_000;
const noncePattern = /^[A-Za-z0-9_-]{22}$/;

/** One cookie of the request's Cookie header, read without a regular expression (the header is the client's). */
function cookieValue(req: Request, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at !== -1 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * CSRF tokens for every admin form. A signed-in session keeps a synchronizer token in its row. A
 * visitor who is not signed in (the sign-in and setup forms) gets a stateless one, so that strangers
 * leave nothing in the database: a random nonce in a short-lived cookie, and in the form the expiry
 * and the HMAC of nonce and expiry. The token works only with the cookie of the browser given it,
 * until it expires. res.locals.csrfToken is the token for the page's forms.
 */
export function csrfTokens(ctx: Context): { expose: RequestHandler; check: RequestHandler } {
  const key = deriveKey(ctx.keys.adminSession, 'admin-form');
  const sign = (nonce: string, expiresAt: number) => createHmac('sha256', key).update(`${nonce}.${expiresAt}`).digest('base64url');
  const cookieOptions = { path: `${ctx.config.publicUrl.pathname}admin`, httpOnly: true, sameSite: 'lax', secure: ctx.config.secure } as const;

  const formTokenValid = (req: Request, given: unknown): boolean => {
    const nonce = cookieValue(req, formCookie);
    if (typeof given !== 'string' || nonce === undefined || !noncePattern.test(nonce)) return false;
    const [expiry, signature] = given.split('.');
    const expiresAt = Number(expiry);
    return Number.isSafeInteger(expiresAt) && expiresAt > ctx.now() && sameToken(signature, sign(nonce, expiresAt));
  };

  const expose: RequestHandler = (req, res, next) => {
    if (req.session.csrfToken) {
      res.locals.csrfToken = req.session.csrfToken;
      return next();
    }
    const given = cookieValue(req, formCookie);
    const nonce = given !== undefined && noncePattern.test(given) ? given : randomBytes(16).toString('base64url');
    const expiresAt = ctx.now() + formLifetimeMs;
    res.locals.csrfToken = `${expiresAt}.${sign(nonce, expiresAt)}`;
    if (req.method === 'GET' || req.method === 'HEAD') {
      // The cookie goes with a page that is served, renewed with it; a refused request gets none.
      const writeHead = res.writeHead;
      res.writeHead = function (this: typeof res, ...args: Parameters<typeof writeHead>) {
        if (Number(args[0]) < 400) res.cookie(formCookie, nonce, { ...cookieOptions, maxAge: formLifetimeMs });
        return writeHead.apply(this, args);
      } as typeof writeHead;
    }
    next();
  };

  /** Refuses a changing request whose _csrf field is neither this session's token nor a valid form token. */
  const check: RequestHandler = (req, _res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const given = (req.body as Record<string, unknown> | undefined)?._csrf;
    if (!(req.session.csrfToken ? sameToken(given, req.session.csrfToken) : formTokenValid(req, given))) {
      log.warn('admin form without a valid CSRF token', { path: req.originalUrl.split('?')[0].slice(0, 200), ip: req.ip ?? '' });
      throw new HttpError(403, 'This form has expired or did not come from Portico. Go back, reload the page and try again.', 'Form expired');
    }
    next();
  };

  return { expose, check };
}

function promised(action: (done: (error?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => action((error) => (error ? reject(error) : resolve())));
}

/** Signs the user in on a fresh session id (no fixation) with a fresh CSRF token. */
export async function signIn(ctx: Context, req: Request, userId: number): Promise<void> {
  await promised((done) => req.session.regenerate(done));
  req.session.adminUserId = userId;
  req.session.signedInAt = ctx.now();
  req.session.csrfToken = newToken();
  // Stored before the redirect goes out (express-session would finish saving while the response is sent): the
  // browser's next request may reach another instance on the same database.
  await promised((done) => req.session.save(done));
}

export function signOut(req: Request): Promise<void> {
  return promised((done) => req.session.destroy(done));
}

/** The admin this request's session is signed in as, if it still is (a password changed later signs it out). */
export async function signedInAdmin(ctx: Context, req: Request): Promise<AdminUser | undefined> {
  const { adminUserId, signedInAt } = req.session;
  const user = adminUserId === undefined ? undefined : await ctx.store.getAdminUser(adminUserId);
  return user && signedInAt !== undefined && signedInAt >= user.passwordChangedAt ? user : undefined;
}

/**
 * Lets signed-in admins through with res.locals.admin (their account) and res.locals.adminUser (their
 * name, for the pages); others go to the sign-in page (pages) or get a 403 (anything that changes something).
 */
export function requireAdmin(ctx: Context): RequestHandler {
  return async (req, res, next) => {
    const admin = await signedInAdmin(ctx, req);
    if (admin !== undefined) {
      res.locals.admin = admin;
      res.locals.adminUser = admin.username;
      return next();
    }
    if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(303, `${ctx.config.publicUrl.pathname}admin/login`);
    throw new HttpError(403, 'Please sign in to the admin first.', 'Not signed in');
  };
}
