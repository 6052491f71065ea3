import Database from 'better-sqlite3';
import type { SqliteStore } from '../../app/store/sqlite';
import type { Store } from '../../app/store/types';

/*
 * The schema itself, for the few tests (and the benchmark's seeding) that must look at stored rows, fake
 * what an older Portico wrote, or check SQLite's own settings. Everything else goes through the store's
 * contract, which test/store/contract/ proves for every implementation; these reach the SQLite one only.
 */

/** The store's own connection: reads see its uncommitted writes, and writes skip every roll-up. */
export function rawDatabase(store: Store): Database.Database {
  return (store as SqliteStore).db;
}

/** Another connection to a store's file, as another process (the command line, a backup reader) has. */
export function openDatabaseFile(file: string, options: Database.Options = {}): Database.Database {
  return new Database(file, options);
}
