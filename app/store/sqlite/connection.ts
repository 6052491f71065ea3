import type Database from 'better-sqlite3';
import type { ConfigurationCache } from './configuration-cache';

/** What every area of the SQLite store shares: the one connection, its cache and its group commit. */
export interface Connection {
  db: Database.Database;
  cache: ConfigurationCache;
  /** Runs a write in the next group commit; resolves once it is committed (see group-commit.ts). */
  commitSoon<T>(write: () => T): Promise<T>;
}

/** A uniqueness or primary-key violation, which the contract reports as StoreConflictError. */
export function isConstraintConflict(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
