import { choosePeriod, statisticsText, venueStatistics, venueToday } from '../statistics';
import { options, type StoreCommand } from './command';
import { venueFlag, venueFor, venueForm } from './venue-option';

export const stats: StoreCommand = {
  name: 'stats',
  usage: () => [{
    form: `[--from YYYY-MM-DD] [--to YYYY-MM-DD] [--gateway <id>] [--json] ${venueForm}`,
    help: 'a venue\'s usage figures (default: the last 7 days, in the venue\'s time zone; --gateway: one of its routers)',
  }],

  async run({ args, store, io }) {
    const { values } = options(args, { from: { type: 'string' }, to: { type: 'string' }, gateway: { type: 'string' }, json: { type: 'boolean' }, ...venueFlag }, 0);
    const site = await venueFor(store, values.venue, io.now());
    const custom = values.from !== undefined || values.to !== undefined;
    const period = choosePeriod(custom ? 'custom' : '7d', values.from, values.to, () => venueToday(site, io.now()));
    // The routers' health models are their drivers': loaded while the database counts.
    const healthModels = async () => (await import('../gateways/index.js')).reportIntervalOf;
    const figures = await venueStatistics(store, site, period, values.gateway ?? null, io.now(), healthModels);
    io.out(values.json ? JSON.stringify(figures, null, 2) + '\n' : statisticsText(figures));
  },
};
