import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { Store } from '../types';
import { sqliteFile } from '../locations';
import { createPrivateFile, keepPrivate } from '../private-files';
import { sqliteAcceptances } from './acceptances';
import { sqliteAdmin } from './admin';
import { startCheckpointer } from './checkpointer';
import { ConfigurationCache } from './configuration-cache';
import type { Connection } from './connection';
import { groupCommit } from './group-commit';
import { sqliteGuestSessions } from './guest-sessions';
import { sqliteMaintenance } from './maintenance';
import { applyMigrations } from './migrate';
import { sqliteRadiusCredentials } from './radius';
import { sqliteRouterAuthorisations } from './router-authorisations';
import { prepareRollUps } from './roll-ups';
import { sqliteRouters } from './routers';
import { sqliteStatistics } from './statistics';
import { sqliteTerms } from './terms';
import { sqliteVenues } from './venues';

export interface SqliteOptions {
  synchronous?: 'NORMAL' | 'FULL';
  /** Checkpoint the WAL from a worker thread (the long-running server); commands leave it to SQLite. */
  backgroundCheckpoints?: boolean;
}

/** The embedded store, with its connection for the one test helper that reads rows (test/store/raw.ts). */
export type SqliteStore = Store & { readonly db: Database.Database };

/** With background checkpoints, the server's own connection checkpoints only past this many WAL pages (80 MB). */
const safetyNetCheckpointPages = 20_000;

/**
 * The embedded store: one SQLite file, portico.db in the data folder, in WAL mode. better-sqlite3 is
 * synchronous, so every statement is prepared once, by the area that owns it, and each call is short; the
 * async contract is for the store's users.
 */
export function openSqliteStore(dataDir: string, options: SqliteOptions = {}): SqliteStore {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  keepPrivate(dataDir, 0o700);
  const file = sqliteFile(dataDir);
  createPrivateFile(file, 'a');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  for (const suffix of ['', '-wal', '-shm']) keepPrivate(file + suffix, 0o600);
  db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  applyMigrations(db);
  let checkpointer: ReturnType<typeof startCheckpointer> | undefined;
  if (options.backgroundCheckpoints) {
    db.pragma(`wal_autocheckpoint = ${safetyNetCheckpointPages}`);
    checkpointer = startCheckpointer(file, options.synchronous ?? 'NORMAL', () => { if (db.open) db.pragma('wal_autocheckpoint = 1000'); });
  }
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  const connection: Connection = {
    db, cache: new ConfigurationCache(() => dataVersion.get()!), commitSoon: groupCommit(db), rollUps: prepareRollUps(db),
  };
  return {
    db,
    ...sqliteVenues(connection),
    ...sqliteTerms(connection),
    ...sqliteRouters(connection),
    ...sqliteAcceptances(connection),
    ...sqliteGuestSessions(connection),
    ...sqliteAdmin(connection),
    ...sqliteStatistics(connection),
    ...sqliteMaintenance(connection),
    ...sqliteRadiusCredentials(connection),
    ...sqliteRouterAuthorisations(connection),
    async close() {
      await checkpointer?.stop();
      if (db.open) db.close();
    },
  };
}
