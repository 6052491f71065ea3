import { Router, type Request, type Response } from 'express';
import type { Context } from '../context';
import { HttpError, StoreConflictError, UserError } from '../errors';
import { log } from '../log';
import { optionalField } from '../request-fields';
import type { AdminUser, Site } from '../store/types';
import { checkNewPassword, checkUsername, hashPassword } from './passwords';
import { adminOf } from './venue-scope';

const idPattern = /^[1-9]\d{0,9}$/;

/** What the page says after a change, by the code its redirect carries (never text from the request). */
const notices: Record<string, string> = {
  added: 'The account is added: it can sign in now.',
  granted: 'The venue is given to the account.',
  revoked: 'The venue is taken from the account.',
  role: 'The role is changed.',
  removed: 'The account is removed and signed out.',
};

/** The admin accounts, for operators only (mounted behind operatorsOnly): add one, give and take venues, change a role, remove one. */
export function peopleRoutes(ctx: Context): Router {
  const router = Router();
  const peoplePage = `${ctx.config.publicUrl.pathname}admin/people`;

  async function render(res: Response, status: number, values: Record<string, string>, error: string | null, notice: string | null): Promise<void> {
    const [accounts, venues] = await Promise.all([ctx.store.listAdminUsers(), ctx.store.listSites()]);
    const venueName = new Map(venues.map((site) => [site.id, site.name]));
    const signedIn = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
    res.status(status).set('Cache-Control', 'no-store').render('admin/people', {
      title: 'People', active: 'people', values, error, notice, venues: venues.map(({ id, name }) => ({ id, name })),
      accounts: accounts.map((account) => ({
        id: account.id, username: account.username, operator: account.role === 'operator', self: account.id === adminOf(res).id,
        lastSignIn: account.lastSignInAt === null ? 'never' : signedIn.format(account.lastSignInAt),
        venues: account.venueIds.filter((id) => venueName.has(id)).map((id) => ({ id, name: venueName.get(id)! })),
        venuesText: account.role === 'operator' ? 'All' : account.venueIds.map((id) => venueName.get(id)).filter(Boolean).join(', ') || 'None yet',
        grantable: venues.filter((site) => !account.venueIds.includes(site.id)).map(({ id, name }) => ({ id, name })),
      })),
    });
  }

  async function accountOf(req: Request): Promise<AdminUser> {
    const account = idPattern.test(req.params.id as string) ? await ctx.store.getAdminUser(Number(req.params.id)) : undefined;
    if (!account) throw new HttpError(404, 'There is no such account.', 'Not found');
    return account;
  }

  async function venueOfForm(req: Request): Promise<Site> {
    const id = optionalField(req.body, 'venue', { max: 10, pattern: idPattern });
    const site = id === undefined ? undefined : await ctx.store.getSite(Number(id));
    if (!site || site.removedAt !== null) throw new HttpError(400, 'Choose one of the venues in the list.');
    return site;
  }

  const done = (res: Response, what: keyof typeof notices) => res.redirect(303, `${peoplePage}?done=${what}`);

  router.get('/people', async (req, res) => {
    const notice = notices[optionalField(req.query, 'done', { max: 10 }) ?? ''] ?? null;
    await render(res, 200, { username: '', role: 'manager' }, null, notice);
  });

  router.post('/people', async (req, res) => {
    const values = { username: (optionalField(req.body, 'username', { max: 64 }) ?? '').trim(), role: optionalField(req.body, 'role', { max: 10 }) === 'operator' ? 'operator' : 'manager' };
    const password = optionalField(req.body, 'password', { max: 1024 }) ?? '';
    const venueIds = [req.body?.venues ?? []].flat().slice(0, 1000).filter((id): id is string => typeof id === 'string' && idPattern.test(id)).map(Number);
    const sites = new Set((await ctx.store.listSites()).map((site) => site.id));
    try {
      checkUsername(values.username);
      checkNewPassword(password);
      if (values.role === 'manager' && venueIds.length === 0) throw new UserError('Tick the venues this manager looks after.');
      if (venueIds.some((id) => !sites.has(id))) throw new UserError('Choose venues from the list.');
      const account = await ctx.store.addAdminUser(values.username, await hashPassword(password), ctx.now(),
        { role: values.role as AdminUser['role'], venueIds: values.role === 'manager' ? venueIds : [] });
      log.info('admin account added', { user: res.locals.adminUser, account: account.username, role: account.role, venues: account.venueIds.join(',') });
      done(res, 'added');
    } catch (error) {
      if (error instanceof UserError) return render(res, 400, values, error.message, null);
      if (error instanceof StoreConflictError) return render(res, 409, values, `There is an account named "${values.username}" already.`, null);
      throw error;
    }
  });

  router.post('/people/:id/grant', async (req, res) => {
    const [account, site] = [await accountOf(req), await venueOfForm(req)];
    await ctx.store.grantVenue(account.id, site.id);
    log.info('venue given to an admin account', { user: res.locals.adminUser, account: account.username, venue: site.slug });
    done(res, 'granted');
  });

  router.post('/people/:id/revoke', async (req, res) => {
    const [account, site] = [await accountOf(req), await venueOfForm(req)];
    await ctx.store.revokeVenue(account.id, site.id);
    log.info('venue taken from an admin account', { user: res.locals.adminUser, account: account.username, venue: site.slug });
    done(res, 'revoked');
  });

  router.post('/people/:id/role', async (req, res) => {
    const account = await accountOf(req);
    const role = optionalField(req.body, 'role', { max: 10 }) === 'operator' ? 'operator' : 'manager';
    try {
      await ctx.store.setAdminRole(account.id, role);
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
      throw new UserError('This is the last operator: make another account an operator first.');
    }
    log.info('admin account role changed', { user: res.locals.adminUser, account: account.username, role });
    done(res, 'role');
  });

  router.post('/people/:id/remove', async (req, res) => {
    const account = await accountOf(req);
    if (optionalField(req.body, 'confirm', { max: 3 }) !== 'yes') throw new HttpError(400, 'Tick the box to confirm that the account is to be removed.');
    if (account.id === adminOf(res).id) throw new UserError('You cannot remove the account you are signed in with.');
    try {
      await ctx.store.removeAdminUser(account.id);
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
      throw new UserError('This is the last operator: make another account an operator first.');
    }
    log.info('admin account removed', { user: res.locals.adminUser, account: account.username });
    done(res, 'removed');
  });

  return router;
}
