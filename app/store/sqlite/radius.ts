import { toCredential, type RadiusCredentialRow } from '../rows';
import type { NewRadiusCredential, RadiusCredentialStore } from '../types';
import type { Connection } from './connection';

export function sqliteRadiusCredentials({ db, commitSoon }: Connection): RadiusCredentialStore {
  const sql = {
    issue: db.prepare<NewRadiusCredential>(`INSERT INTO radius_credentials
        (username, gateway_id, acceptance_id, site_id, client_mac, client_ip, language, issued_at, use_by)
      VALUES (@username, @gatewayId, @acceptanceId, @siteId, @clientMac, @clientIp, @language, @issuedAt, @useBy)
      ON CONFLICT (username) DO NOTHING`),
    find: db.prepare<[string], RadiusCredentialRow>('SELECT * FROM radius_credentials WHERE username = ?'),
    // The WHERE clause is the whole check, so two racing first uses cannot both win.
    accept: db.prepare<{ username: string; at: number }>(`UPDATE radius_credentials SET accepted_at = @at
      WHERE username = @username AND accepted_at IS NULL AND use_by >= @at`),
    link: db.prepare<{ username: string; sessionKey: string }>(`UPDATE radius_credentials SET session_key = @sessionKey
      WHERE username = @username AND accepted_at IS NOT NULL AND session_key IS NULL`),
  };
  return {
    async issueRadiusCredential(credential) {
      await commitSoon(() => sql.issue.run(credential));
    },
    async findRadiusCredential(username) {
      const row = sql.find.get(username);
      return row && toCredential(row);
    },
    async acceptRadiusCredential(username, at) {
      return commitSoon(() => sql.accept.run({ username, at }).changes === 1);
    },
    async linkRadiusSession(username, sessionKey) {
      return commitSoon(() => sql.link.run({ username, sessionKey }).changes === 1);
    },
  };
}
