import type { Config } from '../config';
import { openSqliteStore } from './sqlite';
import type { Store } from './types';

/**
 * The one place that chooses the store by configuration; everything else speaks the contract (types.ts).
 * Only the embedded SQLite store exists so far, in DATA_DIR. The long-running server checkpoints in the
 * background; a command leaves that to SQLite.
 */
export function openStore(config: Pick<Config, 'dataDir' | 'sqliteSynchronous'>, use: 'server' | 'command'): Store {
  return openSqliteStore(config.dataDir, { synchronous: config.sqliteSynchronous, backgroundCheckpoints: use === 'server' });
}
