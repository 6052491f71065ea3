import { commandContext, options, type StoreCommand } from './command';

export const purge: StoreCommand = {
  name: 'purge',
  usage: () => [{ form: '', help: 'clear MAC, IP and user agent older than RETENTION_DAYS now' }],

  async run(invocation) {
    options(invocation.args, {}, 0);
    const { purgeExpiredPersonalData } = await import('../privacy.js');
    const change = await purgeExpiredPersonalData(await commandContext(invocation));
    invocation.io.out(`Cleared personal fields older than ${invocation.config.retentionDays} days: ${change.acceptances} acceptances, ${change.guestSessions} guest sessions.\n`);
  },
};
