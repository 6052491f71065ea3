import type { ClientConfig, Pool } from 'pg';
import pg from './pg';
import { log } from '../../log';
import type { Store } from '../types';
import { postgresAcceptances } from './acceptances';
import { postgresAdmin } from './admin';
import { ConfigurationCache, listenForChanges } from './configuration-cache';
import { sqlOf, storeError, transactions, types, type Connection } from './connection';
import { postgresGuestSessions } from './guest-sessions';
import { postgresMaintenance } from './maintenance';
import { migrate } from './migrate';
import { postgresRadiusCredentials } from './radius';
import { rollUps } from './roll-ups';
import { postgresRouterAuthorisations } from './router-authorisations';
import { postgresRouters } from './routers';
import { postgresStatistics } from './statistics';
import { postgresTerms } from './terms';
import { postgresVenues } from './venues';

export interface PostgresOptions {
  /** Connections in the pool (node-postgres's default is 10). */
  maxConnections?: number;
  /** A schema of its own (made if missing) instead of the user's default one: one database can then hold several stores (the tests). */
  schema?: string;
  /**
   * Whether to hear configuration changes made elsewhere and so cache venues, routers and terms (default true).
   * A command, done in a moment, leaves it off: one connection fewer to open, and every read is the database's.
   */
  hearChanges?: boolean;
}

/** The PostgreSQL store, with the installation's secret that it keeps (app/store/open.ts hands it out). */
export type PostgresStore = Store & {
  readonly secret: Buffer;
  readonly pool: Pool;
  /**
   * Whether this instance runs the scheduled `job` now: true for exactly one of the instances asking, and only
   * when no instance ran it within `intervalMs`; the run is recorded by the same statement.
   */
  claimScheduledRun(job: string, now: number, intervalMs: number): Promise<boolean>;
};

/**
 * The store on a PostgreSQL database (node-postgres, a pool, no ORM), for several Portico instances
 * sharing one database. Opening it applies the migrations of migrations/postgres/ and reads the
 * installation's secret, under an advisory lock (migrate.ts), and starts listening for configuration
 * changes made elsewhere (configuration-cache.ts).
 */
export async function openPostgresStore(url: string, options: PostgresOptions = {}): Promise<PostgresStore> {
  const { schema, hearChanges = true } = options;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
  const config: ClientConfig = { connectionString: url, types, connectionTimeoutMillis: 5000, ...(schema && { options: `-c search_path=${schema}` }) };
  // node-postgres applies connectionTimeoutMillis to waiting for a free pooled connection too: a crowd of guests
  // queues for the pool far longer than a connection takes to open, and must wait, not fail. (How fast requests
  // fail while the database is away is the fault handling's, not this timeout's.)
  const pool = new pg.Pool({ ...config, max: options.maxConnections ?? 10, connectionTimeoutMillis: 30_000 });
  // An idle connection that breaks (the server restarted) is dropped by the pool; without a listener its error would end the process.
  pool.on('error', (error) => log.warn('a pooled PostgreSQL connection failed', { error: error.message }));
  let stopListening: (() => Promise<void>) | undefined;
  try {
    const { secret, schema: currentSchema } = await migrate(pool, schema);
    const cache = new ConfigurationCache();
    if (hearChanges) stopListening = (await listenForChanges(config, cache, currentSchema)).stop;
    const connection: Connection = { pool, db: sqlOf(pool), transaction: transactions(pool), cache, rollUps: rollUps() };
    const stop = stopListening;
    let closed: Promise<void> | undefined;
    return {
      secret,
      pool,
      async claimScheduledRun(job, now, intervalMs) {
        // One upsert: of instances claiming at once, the first moves last_run_at on and the others, waiting
        // for its row lock, then find the run recent. Not an advisory lock alone, which would let every
        // instance run the job once a day at its own hour.
        return await connection.db.run(`INSERT INTO scheduled_runs AS r (job, last_run_at) VALUES ($1, $2)
          ON CONFLICT (job) DO UPDATE SET last_run_at = excluded.last_run_at WHERE r.last_run_at <= $2 - $3::bigint`, [job, now, intervalMs]) === 1;
      },
      ...postgresVenues(connection),
      ...postgresTerms(connection),
      ...postgresRouters(connection),
      ...postgresAcceptances(connection),
      ...postgresGuestSessions(connection),
      ...postgresAdmin(connection),
      ...postgresStatistics(connection),
      ...postgresMaintenance(connection),
      ...postgresRadiusCredentials(connection),
      ...postgresRouterAuthorisations(connection),
      close() {
        closed ??= Promise.resolve(stop?.()).then(() => pool.end());
        return closed;
      },
    };
  } catch (error) {
    await stopListening?.();
    await pool.end();
    throw storeError(error);
  }
}
