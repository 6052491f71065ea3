import { createHash, randomBytes } from 'node:crypto';
import { describeAcceptance } from '../app/acceptance-record';
import { loadConfig } from '../app/config';
import { termsTexts } from '../app/content-digests';
import { createContext } from '../app/context';
import { deviceIdFor } from '../app/device-id';
import { issueLogin } from '../app/radius/credentials';
import { loadOrCreateSecret } from '../app/secret';
import { openStore } from '../app/store/open';
import { ensureVenue } from '../app/venue-settings';
import { rawDatabase } from '../test/store/raw';
import type { BenchGuest } from './radius-packets';

/*
 * The RADIUS benchmark's guests: one acceptance each, with the one-time login it issues, written into
 * Portico's data folder before the server starts, through the app's own modules (the store's
 * recordAcceptance, credentials.ts's issueLogin with the installation's key, so that the server
 * derives the same passwords), many per transaction as bench/seed.ts does.
 */

const batchSize = 10_000;

/** A distinct device for guest n: a locally administered MAC and a 10.x address, as pfSense would report them. */
function device(n: number): { mac: string; ip: string } {
  const bytes = [2, 0x15, (n >> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255];
  return { mac: bytes.map((b) => b.toString(16).padStart(2, '0')).join(':'), ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` };
}

/** `count` guests who accepted the terms on the router `gatewayId` just now, each with a fresh login (usable for loginUsableMs). */
export async function issueBenchLogins(dataDir: string, gatewayId: string, count: number): Promise<BenchGuest[]> {
  const config = loadConfig({ DATA_DIR: dataDir });
  const store = await openStore(config, 'command');
  try {
    const ctx = createContext(config, store, loadOrCreateSecret(dataDir));
    const site = await ensureVenue(store, ctx.now());
    const [terms] = await store.publishTerms(site.id, termsTexts([{ language: 'en', body: 'Terms of use for the RADIUS benchmark.' }]), ctx.now());
    const gateway = await store.getGateway(gatewayId);
    if (!gateway) throw new Error(`no router ${gatewayId} in ${dataDir}`);
    const db = rawDatabase(store);
    const guests: BenchGuest[] = [];
    db.exec('BEGIN');
    try {
      for (let n = 1; n <= count; n++) {
        const { mac, ip } = device(n);
        const nonce = randomBytes(16).toString('base64url');
        const acceptance = await store.recordAcceptance(describeAcceptance(site, {
          acceptedAt: ctx.now(), gatewayId, termsVersionId: terms.id, deviceId: deviceIdFor(ctx.keys.deviceId, mac), clientMac: mac, clientIp: ip,
          userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)', language: 'en', handoff: 'pfsense http://192.168.1.1:8002/index.php?zone=guest',
          stateNonce: nonce,
        }));
        const login = await issueLogin(ctx, gateway, acceptance, nonce, { mac, ip });
        guests.push({
          ...login, mac, ip, pipe: 2000 + 2 * n,
          // pfSense's Acct-Session-Id: 16 hex digits, the first half of an MD5.
          sessionId: createHash('md5').update(`bench session ${n} ${nonce}`).digest('hex').slice(0, 16),
        });
        if (n % batchSize === 0) {
          db.exec('COMMIT');
          db.exec('BEGIN');
        }
      }
      db.exec('COMMIT');
    } finally {
      if (db.inTransaction) db.exec('ROLLBACK');
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    return guests;
  } finally {
    await store.close();
  }
}
