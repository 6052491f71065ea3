import { toGuestSession, type GuestSessionRow } from '../rows';
import type { GuestSessionStore, NewGuestSession, SessionStart } from '../types';
import type { Connection } from './connection';

type Bytes = { bytesIn: number | null; bytesOut: number | null };

export function sqliteGuestSessions({ db, commitSoon, rollUps }: Connection): GuestSessionStore {
  const sql = {
    // A session offered already keeps its row as it is: started, it stays started.
    offer: db.prepare<NewGuestSession>(`INSERT INTO guest_sessions
        (acceptance_id, site_id, gateway_id, session_key, device_id, client_mac, client_ip, start_by)
      VALUES (@acceptanceId, @siteId, @gatewayId, @sessionKey, @deviceId, @clientMac, @clientIp, @startBy)
      ON CONFLICT (gateway_id, session_key) DO NOTHING`),
    byKey: db.prepare<[string, string], GuestSessionRow>('SELECT * FROM guest_sessions WHERE gateway_id = ? AND session_key = ?'),
    // The WHERE clause is the whole check: unstarted, unexpired, same router, IP and (when known) MAC.
    // A session offered without a MAC (the router's ARP lookup failed) takes the MAC the router reports now.
    start: db.prepare<SessionStart, GuestSessionRow & { mac_randomised: number | null }>(`UPDATE guest_sessions
      SET started_at = @at, local_day = @localDay, client_mac = coalesce(client_mac, @clientMac), report_due_at = @reportDueAt
      WHERE gateway_id = @gatewayId AND session_key = @sessionKey AND started_at IS NULL AND ended_at IS NULL AND start_by > @at
        AND client_ip = @clientIp AND (client_mac IS NULL OR client_mac = @clientMac)
      RETURNING *, (SELECT a.mac_randomised FROM acceptances a WHERE a.id = acceptance_id) AS mac_randomised`),
    // Another login never ends a session its router still reports (on an unpinned router anyone can claim
    // a MAC): only one whose report is overdue, at its last report (migration 012).
    replaceSilent: db.prepare<{ id: number; gatewayId: string; clientMac: string; at: number }>(`UPDATE guest_sessions
      SET ended_at = coalesce(last_counters_at, started_at), end_reason = 'replaced'
      WHERE gateway_id = @gatewayId AND client_mac = @clientMac AND started_at IS NOT NULL AND ended_at IS NULL AND id != @id
        AND report_due_at <= @at`),
    counters: db.prepare<Bytes & { id: number; at: number; reportDueAt: number }>(`UPDATE guest_sessions
      SET bytes_in = coalesce(@bytesIn, bytes_in), bytes_out = coalesce(@bytesOut, bytes_out), last_counters_at = @at, report_due_at = @reportDueAt
      WHERE id = @id AND ended_at IS NULL`),
    end: db.prepare<Bytes & { id: number; reason: string; at: number }>(`UPDATE guest_sessions
      SET ended_at = @at, end_reason = @reason, bytes_in = coalesce(@bytesIn, bytes_in), bytes_out = coalesce(@bytesOut, bytes_out)
      WHERE id = @id AND ended_at IS NULL`),
    live: db.prepare<[string], GuestSessionRow>(`SELECT * FROM guest_sessions
      WHERE gateway_id = ? AND started_at IS NOT NULL AND ended_at IS NULL ORDER BY started_at DESC, id DESC`),
    // One row of its index (migration 013), however many rows the address has piled up: the live session
    // whose router reports it latest, if that report is not overdue.
    liveSessionStart: db.prepare<{ siteId: number; ip: string; now: number }, { started_at: number }>(`
      SELECT started_at FROM guest_sessions
      WHERE client_ip = @ip AND site_id = @siteId AND ended_at IS NULL AND started_at IS NOT NULL AND report_due_at > @now
      ORDER BY report_due_at DESC LIMIT 1`),
  };

  // Within the group commit's transaction; no statement here can fail on its own once the start matched,
  // so a start needs no savepoint (see acceptances.ts).
  function startInTransaction(start: SessionStart): (GuestSessionRow & { mac_randomised: number | null }) | undefined {
    const row = sql.start.get(start);
    if (!row) return undefined;
    if (row.client_mac !== null) sql.replaceSilent.run({ id: row.id, gatewayId: start.gatewayId, clientMac: row.client_mac, at: start.at });
    // A remembered device goes online without a new acceptance: it was seen that day all the same.
    if (row.device_id !== null) {
      rollUps.deviceSeen({ siteId: row.site_id, gatewayId: start.gatewayId, deviceId: row.device_id, localDay: start.localDay, macRandomised: row.mac_randomised });
    }
    return row;
  }

  return {
    async openGuestSession(session) {
      await commitSoon(() => sql.offer.run(session));
      return toGuestSession(sql.byKey.get(session.gatewayId, session.sessionKey)!);
    },

    async startGuestSession(start) {
      // One UPDATE … RETURNING checks and starts the session, so two racing starts cannot both win.
      const row = await commitSoon(() => startInTransaction(start));
      return row && toGuestSession(row);
    },

    async findGuestSession(gatewayId, sessionKey) {
      const row = sql.byKey.get(gatewayId, sessionKey);
      return row && toGuestSession(row);
    },

    async recordSessionReport(id, bytes, at, reportDueAt) {
      await commitSoon(() => sql.counters.run({ id, bytesIn: bytes?.in ?? null, bytesOut: bytes?.out ?? null, at, reportDueAt }));
    },

    async endGuestSession(id, reason, at, bytes) {
      await commitSoon(() => sql.end.run({ id, reason, at, bytesIn: bytes?.in ?? null, bytesOut: bytes?.out ?? null }));
    },

    async liveGuestSessions(gatewayId) {
      return sql.live.all(gatewayId).map(toGuestSession);
    },

    async liveSessionStartByIp(siteId, ip, now) {
      return sql.liveSessionStart.get({ siteId, ip, now })?.started_at;
    },
  };
}
