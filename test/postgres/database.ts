import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgresStore, type PostgresOptions, type PostgresStore } from '../../app/store/postgres';

/**
 * The PostgreSQL tests' database, from PORTICO_TEST_POSTGRES (a URL such as postgres://portico@/postgres?host=/tmp/…):
 * `npm run test:postgres` starts a throwaway cluster for them (test/postgres/cluster.sh). Without it they are
 * skipped, with this reason, in every run's report.
 */
export const postgresUrl = process.env.PORTICO_TEST_POSTGRES ?? '';

export const notRun = postgresUrl
  ? false
  : 'PostgreSQL tests not run: set PORTICO_TEST_POSTGRES to a database URL (eval "$(test/postgres/cluster.sh)" starts one) or run `npm run test:postgres`';

/** A name for a schema of its own: every test gets an empty store in the one database, and drops it afterwards. */
export function schemaName(): string {
  return `test_${process.pid}_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** A store on a schema of its own; close() closes it and drops the schema. */
export async function freshPostgresStore(options: PostgresOptions = {}): Promise<{ store: PostgresStore; schema: string; close(): Promise<void> }> {
  const schema = options.schema ?? schemaName();
  const store = await openPostgresStore(postgresUrl, { maxConnections: 8, ...options, schema });
  return {
    store, schema,
    async close() {
      await store.close();
      await dropSchema(schema);
    },
  };
}
