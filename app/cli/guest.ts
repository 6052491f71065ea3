import { commandContext, options, UsageError, type StoreCommand } from './command';
import { venueBySlug, venueFlag, venueForm } from './venue-option';

/*
 * A guest's data is a device's, found by its MAC at every venue of the installation: the guest who asks
 * (a data-subject request) is owed all of it, whichever venue they asked. So export gives every venue's
 * rows unless --venue narrows it, and forget takes no --venue at all: the operator, who runs the command
 * line, forgets the device everywhere, never leaving its data at a venue the request did not name.
 */
export const guest: StoreCommand = {
  name: 'guest',
  usage: () => [
    { form: `export <mac> ${venueForm}`, help: 'everything held about one device, as JSON: at every venue, or only at the one --venue names' },
    { form: 'forget <mac>', help: 'delete what is held about one device at every venue (its acceptances stay, unlinked); no --venue: a request to forget is the installation\'s' },
  ],

  async run(invocation) {
    const [action, ...rest] = invocation.args;
    const { exportGuest, forgetGuest } = await import('../privacy.js');
    if (action === 'export') {
      const { values, positionals: [mac] } = options(rest, venueFlag, 1);
      const site = values.venue === undefined ? undefined : await venueBySlug(invocation.store, values.venue);
      invocation.io.out(JSON.stringify(await exportGuest(await commandContext(invocation), mac, site?.id), null, 2) + '\n');
    } else if (action === 'forget') {
      if (rest.some((word) => word === '--venue' || word.startsWith('--venue='))) {
        throw new UsageError('guest forget forgets the device at every venue, so it takes no --venue (guest export --venue shows one venue\'s rows)');
      }
      const { positionals: [mac] } = options(rest, {}, 1);
      const change = await forgetGuest(await commandContext(invocation), mac);
      invocation.io.out(`Forgot this device at every venue: ${change.acceptances} acceptances unlinked, ${change.guestSessions} guest sessions deleted.\n`);
    } else {
      throw new UsageError(`unknown guest command "${action ?? ''}"`);
    }
  },
};
