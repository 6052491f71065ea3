import { publicLink } from '../config';
import { UserError } from '../errors';
import type { AdminRole, AdminUser, Store } from '../store/types';
import { options, UsageError, type StoreCommand } from './command';
import { venueBySlug, venueFor } from './venue-option';

/** An account's role as `admin list` and `admin add` say it. */
async function roleOf(store: Store, user: Pick<AdminUser, 'role' | 'venueIds'>): Promise<string> {
  if (user.role === 'operator') return 'operator';
  const slugs = await Promise.all(user.venueIds.map(async (id) => (await store.getSite(id))?.slug ?? `#${id}`));
  return slugs.length === 0 ? 'manager of no venue' : `manager of ${slugs.sort().join(', ')}`;
}

export const admin: StoreCommand = {
  name: 'admin',
  usage: () => [
    { form: 'add <username> [--password-stdin]', help: 'create an admin account; on a terminal it asks for the password (not shown as you type), otherwise it reads the first line of input' },
    { form: '    [--operator | --venue <slug>...]', help: 'an operator (the default) manages every venue and account; with --venue (repeat it for more), a manager of those venues only' },
    { form: 'grant <username> <slug>', help: 'let a venue manager manage one more venue' },
    { form: 'revoke <username> <slug>', help: 'take a venue from a venue manager' },
    { form: 'passwd <username> [--password-stdin]', help: 'set an admin\'s password, asked or read the same way (and lift its sign-in lock)' },
    { form: 'list', help: 'admins: role and venues, created, last sign-in, locked or not' },
    { form: 'remove <username>', help: 'delete an admin and end its sessions (never the last operator)' },
    { form: 'unlock <username>', help: 'clear an admin\'s failed sign-ins, from every address' },
    { form: 'setup-link', help: 'while no admin exists: a new one-time link that creates the first (older links stop working)' },
  ],

  creates: (args) => args[0] === 'add',

  async run({ args, config, store, io }) {
    const [action, ...rest] = args;
    const { accountKey, signInLimits } = await import('../admin/login-throttle.js');
    const existing = async (username: string) => {
      const user = await store.findAdminUser(username);
      if (!user) throw new UserError(`no admin "${username}"; see: npx portico admin list`);
      return user;
    };
    const time = (at: number) => new Date(at).toISOString();
    // The flag says where the password comes from, never the password itself: an argument would stay in the shell's history.
    const passwordFlag = { 'password-stdin': { type: 'boolean' } } as const;
    if (action === 'add') {
      const { values, positionals: [username] } = options(rest, { ...passwordFlag, operator: { type: 'boolean' }, venue: { type: 'string', multiple: true } }, 1);
      const slugs = values.venue ?? [];
      if (values.operator && slugs.length > 0) throw new UsageError('an account is an operator (of every venue) or a manager of the venues given, not both');
      const { checkNewPassword, checkUsername, hashPassword } = await import('../admin/passwords.js');
      const name = checkUsername(username);
      // The venues are checked before the password is asked for: a mistyped slug costs no typing.
      const venueIds = [...new Set(await Promise.all(slugs.map(async (slug) => (await venueFor(store, slug, io.now())).id)))];
      const access: { role: AdminRole; venueIds: number[] } = slugs.length > 0 ? { role: 'manager', venueIds } : { role: 'operator', venueIds: [] };
      const password = checkNewPassword(await io.readPassword(username));
      await store.addAdminUser(name, await hashPassword(password), io.now(), access);
      io.out(`Added admin "${username}", ${access.role === 'operator' ? 'an operator (every venue and account)' : await roleOf(store, access)}. `
        + `Sign in at ${publicLink(config, 'admin/login')}\n`);
    } else if (action === 'passwd') {
      const { positionals: [username] } = options(rest, passwordFlag, 1);
      const { checkNewPassword, hashPassword } = await import('../admin/passwords.js');
      const password = checkNewPassword(await io.readPassword(username));
      const user = await existing(username);
      await store.setAdminPassword(user.id, await hashPassword(password), io.now());
      // A new password is how an owner who forgot theirs gets back in: it lifts the lock too.
      await store.clearSignInAttempts(accountKey(user.username));
      io.out(`Changed the password of "${user.username}"; its open sessions are signed out and its sign-in lock is cleared.\n`);
    } else if (action === 'list') {
      options(rest, {}, 0);
      const users = await store.listAdminUsers();
      if (users.length === 0) io.out('No admins yet. Add one with: npx portico admin add <username>\n');
      for (const user of users) {
        const lock = await store.signInLockout(accountKey(user.username), signInLimits, io.now());
        io.out([
          user.username, await roleOf(store, user), `created ${time(user.createdAt)}`, `last sign-in ${user.lastSignInAt === null ? 'unknown' : time(user.lastSignInAt)}`,
          lock ? `locked from ${lock.addresses} address${lock.addresses === 1 ? '' : 'es'} until ${time(lock.until)}` : 'not locked',
        ].join('\t') + '\n');
      }
    } else if (action === 'remove') {
      const { positionals: [username] } = options(rest, {}, 1);
      const user = await existing(username);
      await store.removeAdminUser(user.id);
      await store.clearSignInAttempts(accountKey(user.username));
      io.out(`Removed admin "${user.username}"; its sessions are signed out.\n`);
    } else if (action === 'grant' || action === 'revoke') {
      const { positionals: [username, slug] } = options(rest, {}, 2);
      const user = await existing(username);
      const site = await venueBySlug(store, slug);
      if (user.role === 'operator') throw new UserError(`"${user.username}" is an operator: it manages every venue, "${site.slug}" too`);
      if (action === 'grant') {
        if (!(await store.grantVenue(user.id, site.id))) throw new UserError(`"${user.username}" manages "${site.slug}" already`);
        io.out(`"${user.username}" now manages "${site.slug}": ${await roleOf(store, (await store.getAdminUser(user.id))!)}.\n`);
      } else {
        if (!(await store.revokeVenue(user.id, site.id))) throw new UserError(`"${user.username}" does not manage "${site.slug}"`);
        const now = (await store.getAdminUser(user.id))!;
        io.out(`"${user.username}" no longer manages "${site.slug}": ${await roleOf(store, now)}`
          + `${now.venueIds.length === 0 ? ' (grant one with npx portico admin grant, or remove the account)' : ''}.\n`);
      }
    } else if (action === 'unlock') {
      const { positionals: [username] } = options(rest, {}, 1);
      const user = await existing(username);
      const addresses = await store.clearSignInAttempts(accountKey(user.username));
      io.out(`Unlocked "${user.username}": cleared its failed sign-ins from ${addresses} address${addresses === 1 ? '' : 'es'}.\n`);
    } else if (action === 'setup-link') {
      options(rest, {}, 0);
      const { createSetupLink } = await import('../admin/setup-link.js');
      const link = await createSetupLink({ config, store, now: io.now });
      if (!link) throw new UserError('an admin account exists already: sign in with it, or add another with: npx portico admin add <username>');
      io.out(`Open this one-time link to create the admin account (it works once, until a newer link is made):\n${link}\n`);
    } else {
      throw new UsageError(`unknown admin command "${action ?? ''}"`);
    }
  },
};
