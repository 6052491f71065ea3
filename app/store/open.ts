import type { Config } from '../config';
import fs from 'node:fs';
import { postgresLocation, sqliteFile } from './locations';
import type { PostgresStore } from './postgres';
import type { Store } from './types';

type StoreConfig = Pick<Config, 'dataDir' | 'sqliteSynchronous' | 'databaseUrl'>;

/**
 * The one place that chooses the store by configuration; everything else speaks the contract (types.ts).
 * DATABASE_URL names a PostgreSQL database that several instances share (opening it applies its migrations,
 * hence async); without it, the embedded SQLite store in DATA_DIR. Only the chosen store's driver is loaded.
 * The long-running server checkpoints SQLite in the background and hears the other instances' changes to
 * PostgreSQL, to cache configuration; a command, done in a moment, leaves both alone.
 */
export async function openStore(config: StoreConfig, use: 'server' | 'command'): Promise<Store> {
  if (config.databaseUrl) {
    const { openPostgresStore } = await import('./postgres/index.js');
    return openPostgresStore(config.databaseUrl, { hearChanges: use === 'server' });
  }
  const { openSqliteStore } = await import('./sqlite/index.js');
  return openSqliteStore(config.dataDir, { synchronous: config.sqliteSynchronous, backgroundCheckpoints: use === 'server' });
}

function isPostgresStore(store: Store): store is PostgresStore {
  return 'secret' in store && 'pool' in store;
}

/** The installation's secret where the store keeps it: in the PostgreSQL database, else undefined (a file beside SQLite's, app/secret.ts). */
export function storedSecret(store: Store): Buffer | undefined {
  return isPostgresStore(store) ? store.secret : undefined;
}

/** Whether this process runs a scheduled job now (see scheduledRuns). */
export type ScheduledRunClaim = (job: string, now: number, intervalMs: number) => Promise<boolean>;

/**
 * Scheduled jobs run once per installation: on PostgreSQL, by whichever instance claims the run in the database
 * first; on SQLite, one server per data folder, by this process whenever `intervalMs` has passed since its last run.
 */
export function scheduledRuns(store: Store): ScheduledRunClaim {
  if (isPostgresStore(store)) return (job, now, intervalMs) => store.claimScheduledRun(job, now, intervalMs);
  const lastRuns = new Map<string, number>();
  return async (job, now, intervalMs) => {
    const last = lastRuns.get(job);
    if (last !== undefined && now - last < intervalMs) return false;
    lastRuns.set(job, now);
    return true;
  };
}

/** Where the store configured keeps its data, for the owner's messages (a URL without its password). */
export function storeLocation(config: Pick<Config, 'dataDir' | 'databaseUrl'>): string {
  return config.databaseUrl ? postgresLocation(config.databaseUrl) : sqliteFile(config.dataDir);
}

/** Whether there is a store to open yet (opening one creates it); a PostgreSQL database is the server's to have. */
export function storeExists(config: Pick<Config, 'dataDir' | 'databaseUrl'>): boolean {
  return config.databaseUrl ? true : fs.existsSync(storeLocation(config));
}
