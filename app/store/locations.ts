import path from 'node:path';

/*
 * Where each store keeps its data, told without loading its driver: a command that uses one store
 * should not pay for loading the other's (better-sqlite3's native module, node-postgres).
 */

/** The SQLite database file of a data folder. */
export function sqliteFile(dataDir: string): string {
  return path.join(dataDir, 'portico.db');
}

/** Whether a DATABASE_URL names a PostgreSQL database. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(url);
}

/** The URL without its password, for messages. */
export function postgresLocation(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}
