import { commandContext, options, UsageError, type StoreCommand } from './command';

export const guest: StoreCommand = {
  name: 'guest',
  usage: () => [
    { form: 'export <mac>', help: 'everything held about one device, as JSON' },
    { form: 'forget <mac>', help: 'delete what is held about one device (its acceptances stay, unlinked)' },
  ],

  async run(invocation) {
    const [action, ...rest] = invocation.args;
    const { positionals: [mac] } = options(rest, {}, 1);
    const { exportGuest, forgetGuest } = await import('../privacy.js');
    if (action === 'export') {
      invocation.io.out(JSON.stringify(await exportGuest(await commandContext(invocation), mac), null, 2) + '\n');
    } else if (action === 'forget') {
      const change = await forgetGuest(await commandContext(invocation), mac);
      invocation.io.out(`Forgot this device: ${change.acceptances} acceptances unlinked, ${change.guestSessions} guest sessions deleted.\n`);
    } else {
      throw new UsageError(`unknown guest command "${action ?? ''}"`);
    }
  },
};
