import { publicLink } from '../config';
import { UserError } from '../errors';
import { options, UsageError, type StoreCommand } from './command';

export const admin: StoreCommand = {
  name: 'admin',
  usage: () => [
    { form: 'add <username> [--password-stdin]', help: 'create an admin account; on a terminal it asks for the password (not shown as you type), otherwise it reads the first line of input' },
    { form: 'passwd <username> [--password-stdin]', help: 'set an admin\'s password, asked or read the same way (and lift its sign-in lock)' },
    { form: 'list', help: 'admins: created, last sign-in, locked or not' },
    { form: 'remove <username>', help: 'delete an admin and end its sessions (never the last one)' },
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
    if (action === 'add' || action === 'passwd') {
      // The flag says where the password comes from, never the password itself: an argument would stay in the shell's history.
      const { positionals: [username] } = options(rest, { 'password-stdin': { type: 'boolean' } }, 1);
      const { checkNewPassword, checkUsername, hashPassword } = await import('../admin/passwords.js');
      const password = checkNewPassword(await io.readPassword(username));
      if (action === 'add') {
        await store.addAdminUser(checkUsername(username), await hashPassword(password), io.now());
        io.out(`Added admin "${username}". Sign in at ${publicLink(config, 'admin/login')}\n`);
      } else {
        const user = await existing(username);
        await store.setAdminPassword(user.id, await hashPassword(password), io.now());
        // A new password is how an owner who forgot theirs gets back in: it lifts the lock too.
        await store.clearSignInAttempts(accountKey(user.username));
        io.out(`Changed the password of "${user.username}"; its open sessions are signed out and its sign-in lock is cleared.\n`);
      }
    } else if (action === 'list') {
      options(rest, {}, 0);
      const users = await store.listAdminUsers();
      if (users.length === 0) io.out('No admins yet. Add one with: npx portico admin add <username>\n');
      for (const user of users) {
        const lock = await store.signInLockout(accountKey(user.username), signInLimits, io.now());
        io.out([
          user.username, `created ${time(user.createdAt)}`, `last sign-in ${user.lastSignInAt === null ? 'unknown' : time(user.lastSignInAt)}`,
          lock ? `locked from ${lock.addresses} address${lock.addresses === 1 ? '' : 'es'} until ${time(lock.until)}` : 'not locked',
        ].join('\t') + '\n');
      }
    } else if (action === 'remove') {
      const { positionals: [username] } = options(rest, {}, 1);
      const user = await existing(username);
      await store.removeAdminUser(user.id);
      await store.clearSignInAttempts(accountKey(user.username));
      io.out(`Removed admin "${user.username}"; its sessions are signed out.\n`);
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
