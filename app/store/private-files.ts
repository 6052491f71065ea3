import fs from 'node:fs';
import { log } from '../log';

/**
 * Tightens a file or folder that holds guests' MACs and IPs, password hashes or the installation
 * secret to its owner alone: an earlier version, or a copy made by hand, may have left it readable
 * by every account on the machine. A missing one is left to be created.
 */
export function keepPrivate(file: string, mode: 0o600 | 0o700): void {
  let current: number;
  try {
    current = fs.statSync(file).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if ((current & 0o077) === 0) return;
  fs.chmodSync(file, mode);
  log.warn('made a file only its owner may read', { file, was: current.toString(8), now: mode.toString(8) });
}

/** Creates `file` empty and private unless it exists: SQLite keeps an existing file's mode, and gives a database's -wal and -shm the same. */
export function createPrivateFile(file: string, flag: 'a' | 'wx'): void {
  fs.closeSync(fs.openSync(file, flag, 0o600));
}
