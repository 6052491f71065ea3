import type { Config } from '../config';
import fs from 'node:fs';
import { openSqliteStore, sqliteFile } from './sqlite';
import type { Store } from './types';

/**
 * The one place that chooses the store by configuration; everything else speaks the contract (types.ts).
 * Only the embedded SQLite store exists so far, in DATA_DIR. The long-running server checkpoints in the
 * background; a command leaves that to SQLite.
 */
export function openStore(config: Pick<Config, 'dataDir' | 'sqliteSynchronous'>, use: 'server' | 'command'): Store {
  return openSqliteStore(config.dataDir, { synchronous: config.sqliteSynchronous, backgroundCheckpoints: use === 'server' });
}

/** Where the store configured keeps its data, for the owner's messages. */
export function storeLocation(config: Pick<Config, 'dataDir'>): string {
  return sqliteFile(config.dataDir);
}

/** Whether there is a store to open yet (opening one creates it). */
export function storeExists(config: Pick<Config, 'dataDir'>): boolean {
  return fs.existsSync(storeLocation(config));
}
