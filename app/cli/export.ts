import { isCalendarDay } from '../statistics';
import { options, UsageError, type StoreCommand } from './command';
import { venueFlag, venueFor, venueForm } from './venue-option';

export const exportCommand: StoreCommand = {
  name: 'export',
  usage: () => [{
    form: `acceptances [--format csv|json] [--from YYYY-MM-DD] [--to YYYY-MM-DD] ${venueForm}`,
    help: 'a venue\'s acceptances, by its local days',
  }],

  async run({ args, store, io }) {
    const [what, ...rest] = args;
    if (what !== 'acceptances') throw new UsageError('export what? only "acceptances"');
    const { values } = options(rest, { format: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, ...venueFlag }, 0);
    const format = values.format ?? 'csv';
    if (format !== 'csv' && format !== 'json') throw new UsageError('--format is csv or json');
    for (const day of [values.from, values.to]) if (day !== undefined && !isCalendarDay(day)) throw new UsageError('--from and --to take a date as YYYY-MM-DD');
    const site = await venueFor(store, values.venue, io.now());
    const rows = store.exportAcceptances({ siteId: site.id, fromDay: values.from, toDay: values.to });
    if (format === 'csv') {
      const { writeAcceptancesCsv } = await import('../acceptance-csv.js');
      await writeAcceptancesCsv(rows, io.out);
    } else {
      io.out('[');
      let first = true;
      for await (const row of rows) {
        io.out((first ? '\n' : ',\n') + JSON.stringify(row));
        first = false;
      }
      io.out('\n]\n');
    }
  },
};
