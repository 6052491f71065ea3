import { choosePeriod, statisticsText, venueStatistics, venueToday } from '../statistics';
import { ensureVenue } from '../venue-settings';
import { options, type StoreCommand } from './command';

export const stats: StoreCommand = {
  name: 'stats',
  usage: () => [{
    form: '[--from YYYY-MM-DD] [--to YYYY-MM-DD] [--gateway <id>] [--json]',
    help: 'usage figures (default: the last 7 days, in the venue\'s time zone)',
  }],

  async run({ args, store, io }) {
    const { values } = options(args, { from: { type: 'string' }, to: { type: 'string' }, gateway: { type: 'string' }, json: { type: 'boolean' } }, 0);
    const site = await ensureVenue(store, io.now());
    const custom = values.from !== undefined || values.to !== undefined;
    const period = choosePeriod(custom ? 'custom' : '7d', values.from, values.to, () => venueToday(site, io.now()));
    // The routers' health models are their drivers'.
    const { reportIntervalOf } = await import('../gateways/index.js');
    const figures = await venueStatistics(store, site, period, values.gateway ?? null, io.now(), reportIntervalOf);
    io.out(values.json ? JSON.stringify(figures, null, 2) + '\n' : statisticsText(figures));
  },
};
