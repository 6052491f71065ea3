import { toCredential, type RadiusCredentialRow } from '../rows';
import type { RadiusCredentialStore } from '../types';
import type { Connection } from './connection';

export function postgresRadiusCredentials({ db }: Connection): RadiusCredentialStore {
  return {
    async issueRadiusCredential(c) {
      await db.run(`INSERT INTO radius_credentials (username, gateway_id, acceptance_id, site_id, client_mac, client_ip, language, issued_at, use_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (username) DO NOTHING`,
      [c.username, c.gatewayId, c.acceptanceId, c.siteId, c.clientMac, c.clientIp, c.language, c.issuedAt, c.useBy]);
    },
    async findRadiusCredential(username) {
      const row = await db.row<RadiusCredentialRow>('SELECT * FROM radius_credentials WHERE username = $1', [username]);
      return row && toCredential(row);
    },
    async acceptRadiusCredential(username, at) {
      // The WHERE clause is the whole check: of two racing first uses (any instances) the second waits for the
      // first's row lock, then finds it accepted.
      return await db.run('UPDATE radius_credentials SET accepted_at = $1 WHERE username = $2 AND accepted_at IS NULL AND use_by >= $1', [at, username]) === 1;
    },
    async linkRadiusSession(username, sessionKey) {
      return await db.run(`UPDATE radius_credentials SET session_key = $1
        WHERE username = $2 AND accepted_at IS NOT NULL AND session_key IS NULL`, [sessionKey, username]) === 1;
    },
  };
}
