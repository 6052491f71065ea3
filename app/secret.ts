import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config';
import { storedSecret } from './store/open';
import { keepPrivate } from './store/private-files';
import type { Store } from './store/types';

/**
 * The installation's secret for this store: kept in the PostgreSQL database that every instance shares
 * (made once, under its migration lock), else in secret.key beside the SQLite database.
 */
export function installationSecret(config: Pick<Config, 'dataDir'>, store: Store): Buffer {
  return storedSecret(store) ?? loadOrCreateSecret(config.dataDir);
}

/**
 * The installation's own secret, made at first start and kept beside the database: it signs the
 * state carried through the guest's browser and keys the pseudonymous device ids.
 */
export function loadOrCreateSecret(dataDir: string): Buffer {
  const file = path.join(dataDir, 'secret.key');
  keepPrivate(file, 0o600);
  try {
    const hex = fs.readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(hex)) return Buffer.from(hex, 'hex');
    throw new Error(`${file} is damaged: it must hold 64 hex digits`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32);
  // 'wx' fails if another process created it first; then use theirs.
  try {
    fs.writeFileSync(file, secret.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateSecret(dataDir);
    throw error;
  }
}

/** A key for one purpose, derived from the installation secret, so that no two uses share a key. */
export function deriveKey(secret: Buffer, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`portico:${purpose}`).digest();
}
