import type Database from 'better-sqlite3';
import type { ConfigurationCache } from './configuration-cache';
import type { RollUps } from './roll-ups';

/** What every area of the SQLite store shares: the one connection, its cache, its group commit and the roll-ups. */
export interface Connection {
  db: Database.Database;
  cache: ConfigurationCache;
  /** Runs a write in the next group commit; resolves once it is committed (see group-commit.ts). */
  commitSoon<T>(write: () => T): Promise<T>;
  /** The statistics' roll-ups, kept by the writes that change them. */
  rollUps: RollUps;
}

/** A uniqueness or primary-key violation, which the contract reports as StoreConflictError. */
export function isConstraintConflict(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
