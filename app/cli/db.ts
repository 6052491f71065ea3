import { UserError } from '../errors';
import { isPostgresUrl } from '../config';
import { postgresLocation } from '../store/locations';
import { loadOrCreateSecret } from '../secret';
import { options, UsageError, type StoreCommand } from './command';

export const db: StoreCommand = {
  name: 'db',
  usage: () => [{ form: 'copy --to <postgres-url>', help: 'copy this SQLite installation (DATA_DIR) into an empty PostgreSQL database, secret included' }],

  async run({ args, config, io }) {
    const [action, ...rest] = args;
    if (action !== 'copy') throw new UsageError(`unknown db command "${action ?? ''}"`);
    const { values } = options(rest, { to: { type: 'string' } }, 0);
    const { copySqliteToPostgres } = await import('../store/copy.js');
    if (values.to === undefined || !isPostgresUrl(values.to)) throw new UsageError('db copy needs --to postgres://user:password@host/database');
    if (config.databaseUrl) throw new UserError('db copy copies the SQLite installation in DATA_DIR: unset DATABASE_URL for it');
    const started = Date.now();
    const copied = await copySqliteToPostgres(config.dataDir, values.to, loadOrCreateSecret(config.dataDir));
    for (const { table, rows } of copied) io.out(`${table}\t${rows}\n`);
    const total = copied.reduce((sum, table) => sum + table.rows, 0);
    io.out(`Copied ${total} rows in ${copied.length} tables to ${postgresLocation(values.to)} in ${((Date.now() - started) / 1000).toFixed(1)} s; `
      + 'every count matched, and the installation secret came along (device ids stay the same). '
      + 'Next: set DATABASE_URL to that database in portico.env on every instance, and start them.\n');
  },
};
