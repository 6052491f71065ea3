import path from 'node:path';

/*
 * Where each store keeps its data, told without loading its driver: a command that uses one store
 * should not pay for loading the other's (better-sqlite3's native module, node-postgres).
 */

/** The SQLite database file of a data folder. */
export function sqliteFile(dataDir: string): string {
  return path.join(dataDir, 'portico.db');
}

/**
 * The URL without its password, for messages. Not parsed as a URL: one for a Unix socket with a user and
 * no host (postgres://portico@/db?host=/run/postgresql) is none to WHATWG. Everything from the user's ":"
 * to the last "@" goes, so a password with raw "@" or "/" in it is never partly shown.
 */
export function postgresLocation(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):.*@/is, '$1:***@');
}
