import { toGuestSession, type GuestSessionRow } from '../rows';
import type { GuestSession, GuestSessionStore } from '../types';
import type { Connection } from './connection';

export function postgresGuestSessions({ db, transaction, rollUps }: Connection): GuestSessionStore {
  async function findGuestSession(gatewayId: string, sessionKey: string): Promise<GuestSession | undefined> {
    const row = await db.row<GuestSessionRow>('SELECT * FROM guest_sessions WHERE gateway_id = $1 AND session_key = $2', [gatewayId, sessionKey]);
    return row && toGuestSession(row);
  }

  return {
    findGuestSession,

    async openGuestSession(session) {
      // A session offered already keeps its row as it is: started, it stays started.
      await db.run(`INSERT INTO guest_sessions (acceptance_id, site_id, gateway_id, session_key, device_id, client_mac, client_ip, start_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (gateway_id, session_key) DO NOTHING`,
      [session.acceptanceId, session.siteId, session.gatewayId, session.sessionKey, session.deviceId, session.clientMac, session.clientIp, session.startBy]);
      return (await findGuestSession(session.gatewayId, session.sessionKey))!;
    },

    async startGuestSession(start) {
      return transaction(async (tx) => {
        // The WHERE clause is the whole check: unstarted, unexpired, same router, IP and (when known) MAC. Two
        // racing starts, on any instances, cannot both win: the second waits for the first's row lock, then finds
        // the row started and changes nothing. A session offered without a MAC takes the one the router reports now.
        const row = await tx.row<GuestSessionRow & { mac_randomised: number | null }>(`UPDATE guest_sessions
          SET started_at = $1, local_day = $2, client_mac = coalesce(client_mac, $3), report_due_at = $4
          WHERE gateway_id = $5 AND session_key = $6 AND started_at IS NULL AND ended_at IS NULL AND start_by > $1
            AND client_ip = $7 AND (client_mac IS NULL OR client_mac = $3)
          RETURNING *, (SELECT a.mac_randomised FROM acceptances a WHERE a.id = guest_sessions.acceptance_id) AS mac_randomised`,
        [start.at, start.localDay, start.clientMac, start.reportDueAt, start.gatewayId, start.sessionKey, start.clientIp]);
        if (!row) return undefined;
        if (row.client_mac !== null) {
          // Another login never ends a session its router still reports (on an unpinned router anyone can claim
          // a MAC): only one whose report is overdue, at its last report.
          await tx.run(`UPDATE guest_sessions SET ended_at = coalesce(last_counters_at, started_at), end_reason = 'replaced'
            WHERE gateway_id = $1 AND client_mac = $2 AND started_at IS NOT NULL AND ended_at IS NULL AND id <> $3 AND report_due_at <= $4`,
          [start.gatewayId, row.client_mac, row.id, start.at]);
        }
        // A remembered device goes online without a new acceptance: it was seen that day all the same.
        if (row.device_id !== null) {
          await rollUps.deviceSeen(tx, { siteId: row.site_id, gatewayId: start.gatewayId, deviceId: row.device_id, localDay: start.localDay, macRandomised: row.mac_randomised });
        }
        return toGuestSession(row);
      });
    },

    async recordSessionReport(id, bytes, at, reportDueAt) {
      await db.run(`UPDATE guest_sessions
        SET bytes_in = coalesce($1, bytes_in), bytes_out = coalesce($2, bytes_out), last_counters_at = $3, report_due_at = $4
        WHERE id = $5 AND ended_at IS NULL`, [bytes?.in ?? null, bytes?.out ?? null, at, reportDueAt, id]);
    },

    async endGuestSession(id, reason, at, bytes) {
      await db.run(`UPDATE guest_sessions
        SET ended_at = $1, end_reason = $2, bytes_in = coalesce($3, bytes_in), bytes_out = coalesce($4, bytes_out)
        WHERE id = $5 AND ended_at IS NULL`, [at, reason, bytes?.in ?? null, bytes?.out ?? null, id]);
    },

    async liveGuestSessions(gatewayId) {
      return (await db.rows<GuestSessionRow>(`SELECT * FROM guest_sessions
        WHERE gateway_id = $1 AND started_at IS NOT NULL AND ended_at IS NULL ORDER BY started_at DESC, id DESC`, [gatewayId])).map(toGuestSession);
    },

    async liveSessionStartByIp(siteId, ip, now) {
      // One row of its index however many rows the address has piled up: the live session whose router reports it latest.
      return (await db.row<{ started_at: number }>(`SELECT started_at FROM guest_sessions
        WHERE client_ip = $2 AND site_id = $1 AND ended_at IS NULL AND started_at IS NOT NULL AND report_due_at > $3
        ORDER BY report_due_at DESC LIMIT 1`, [siteId, ip, now]))?.started_at;
    },
  };
}
