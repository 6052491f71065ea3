import { Router, type Response } from 'express';
import type { Context } from '../context';
import { HttpError, UserError } from '../errors';
import { log } from '../log';
import { optionalField } from '../request-fields';
import { accountKey, addressKey, signInLimits } from './login-throttle';
import * as passwords from './passwords'; // called through the module, so that tests can count the checks
import { signIn, signOut } from './session';
import { hashSetupToken } from './setup-link';

const setupTokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** The sign-in page; while no account exists it says where the first one is made (the setup link in the log). */
async function renderLogin(ctx: Context, res: Response, status: number, username: string, error: string | null): Promise<void> {
  const noAccountYet = (await ctx.store.countAdminUsers()) === 0;
  res.status(status).set('Cache-Control', 'no-store').render('admin/login', { title: 'Sign in', username, error, noAccountYet });
}

function renderSetup(res: Response, status: number, token: string, username: string, error: string | null): void {
  res.status(status).set('Cache-Control', 'no-store').render('admin/setup', { title: 'Create the admin account', token, username, error });
}

const wrongCredentials = 'The user name or password is not right.';

/** The setup token of a query or form; '' for none or one cut short (a link copied in part), which is as dead as a used one. */
function setupToken(source: Record<string, unknown>): string {
  const token = optionalField(source, 'token', { max: 64 }) ?? '';
  return setupTokenPattern.test(token) ? token : '';
}

/** A setup link that no longer works, said for who opens it: once the account exists they sign in; before, they get a new link. */
async function setupLinkDead(ctx: Context): Promise<HttpError> {
  if (await ctx.store.countAdminUsers() > 0) return new HttpError(410, 'The admin account has been created already: sign in with it.', 'Setup link used');
  return new HttpError(410,
    'This setup link is used up or out of date: only the newest link works, and Portico makes a new one each time it starts. '
    + 'Get a new link by running npx portico admin setup-link on the server (or restart Portico and look in its log), then open it.',
    'Setup link out of date');
}

/** Sign-in, sign-out and the first-run setup link: the admin pages reachable without signing in. */
export function signInRoutes(ctx: Context): Router {
  const router = Router();
  const admin = `${ctx.config.publicUrl.pathname}admin/`;

  router.get('/login', (_req, res) => renderLogin(ctx, res, 200, '', null));

  router.post('/login', async (req, res) => {
    const username = (optionalField(req.body, 'username', { max: 64 }) ?? '').trim();
    const password = optionalField(req.body, 'password', { max: 1024 }) ?? '';
    // No account has an empty name: refused at once, with no password checked and so nothing to count.
    if (username === '') return renderLogin(ctx, res, 401, username, wrongCredentials);
    const account = accountKey(username);
    const address = addressKey(req.ip ?? '');
    const lockedUntil = await ctx.store.reserveSignInAttempt(account, address, signInLimits, ctx.now());
    if (lockedUntil !== null) {
      log.warn('admin sign-in refused: locked after repeated failures', { ip: req.ip ?? '' });
      const minutes = Math.ceil((lockedUntil - ctx.now()) / 60_000);
      return renderLogin(ctx, res, 429, username, `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
    }
    const user = await ctx.store.findAdminUser(username);
    // An unknown name is checked against a dummy hash, so that it takes as long as a wrong password.
    const passwordMatches = await passwords.verifyPassword(password, user?.passwordHash ?? passwords.unknownUserHash);
    if (!user || !passwordMatches) {
      log.warn('admin sign-in failed', { ip: req.ip ?? '' });
      return renderLogin(ctx, res, 401, username, wrongCredentials);
    }
    await ctx.store.signInSucceeded(user.id, account, address, ctx.now());
    await signIn(ctx, req, user.id);
    log.info('admin signed in', { user: user.username, ip: req.ip ?? '' });
    res.redirect(303, admin);
  });

  router.post('/logout', async (req, res) => {
    await signOut(req);
    res.clearCookie('portico_admin', { path: `${ctx.config.publicUrl.pathname}admin` });
    res.redirect(303, `${admin}login`);
  });

  // The token travels in the query string, not the path, so that refused requests never log it.
  router.get('/setup', async (req, res) => {
    const token = setupToken(req.query);
    if (token === '' || await ctx.store.countAdminUsers() > 0) throw await setupLinkDead(ctx);
    renderSetup(res, 200, token, '', null);
  });

  router.post('/setup', async (req, res) => {
    const token = setupToken(req.body);
    const username = optionalField(req.body, 'username', { max: 64 }) ?? '';
    const password = optionalField(req.body, 'password', { max: 1024 }) ?? '';
    const confirmation = optionalField(req.body, 'password_confirmation', { max: 1024 }) ?? '';
    // Before the password is hashed: a dead or made-up token costs no scrypt.
    if (token === '' || !await ctx.store.setupTokenWorks(hashSetupToken(token))) throw await setupLinkDead(ctx);
    try {
      passwords.checkUsername(username);
      passwords.checkNewPassword(password);
      if (password !== confirmation) throw new UserError('The two passwords are not the same.');
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      return renderSetup(res, 400, token, username, error.message);
    }
    const user = await ctx.store.createFirstAdmin(hashSetupToken(token), username, await passwords.hashPassword(password), ctx.now());
    if (!user) throw await setupLinkDead(ctx);
    log.info('admin account created with the setup link', { user: user.username });
    await signIn(ctx, req, user.id);
    res.redirect(303, admin);
  });

  return router;
}
