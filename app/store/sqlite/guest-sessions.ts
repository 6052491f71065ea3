import { localCalendar } from '../../venue-time';
import type { GuestSession, GuestSessionEndReason, GuestSessionStore, LoginClaim, NewLoginToken } from '../types';
import type { Connection } from './connection';

interface GuestSessionRow {
  id: number; acceptance_id: number | null; site_id: number; gateway_id: string | null; token_hash: string; device_id: string | null;
  client_mac: string | null; client_ip: string | null; token_expires_at: number; started_at: number | null; local_day: string | null;
  last_counters_at: number | null; bytes_in: number; bytes_out: number; ended_at: number | null; end_reason: GuestSessionEndReason | null;
  report_due_at: number | null;
}

function toGuestSession(row: GuestSessionRow): GuestSession {
  return {
    id: row.id, acceptanceId: row.acceptance_id, siteId: row.site_id, gatewayId: row.gateway_id, deviceId: row.device_id,
    clientMac: row.client_mac, clientIp: row.client_ip, tokenExpiresAt: row.token_expires_at, startedAt: row.started_at,
    localDay: row.local_day, lastCountersAt: row.last_counters_at, bytesIn: row.bytes_in, bytesOut: row.bytes_out,
    endedAt: row.ended_at, endReason: row.end_reason, reportDueAt: row.report_due_at,
  };
}

type Bytes = { bytesIn: number | null; bytesOut: number | null };

export function sqliteGuestSessions({ db, commitSoon }: Connection): GuestSessionStore {
  const sql = {
    // A token stored already keeps its row as it is: used, it stays used.
    insertToken: db.prepare<NewLoginToken>(`INSERT INTO guest_sessions
        (acceptance_id, site_id, gateway_id, token_hash, device_id, client_mac, client_ip, token_expires_at)
      VALUES (@acceptanceId, @siteId, @gatewayId, @tokenHash, @deviceId, @clientMac, @clientIp, @tokenExpiresAt)
      ON CONFLICT (token_hash) DO NOTHING`),
    byToken: db.prepare<[string], GuestSessionRow>('SELECT * FROM guest_sessions WHERE token_hash = ?'),
    // The WHERE clause is the whole token check: unused, unexpired, same router, IP and (when known) MAC.
    // A token issued without a MAC (the router's ARP lookup failed) takes the MAC the router reports now.
    start: db.prepare<LoginClaim & { at: number; localDay: string; reportDueAt: number }, GuestSessionRow>(`UPDATE guest_sessions
      SET started_at = @at, local_day = @localDay, client_mac = coalesce(client_mac, @clientMac), report_due_at = @reportDueAt
      WHERE token_hash = @tokenHash AND started_at IS NULL AND ended_at IS NULL AND token_expires_at > @at
        AND gateway_id = @gatewayId AND client_ip = @clientIp AND (client_mac IS NULL OR client_mac = @clientMac)
      RETURNING *`),
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

  return {
    async createLoginToken(token) {
      await commitSoon(() => sql.insertToken.run(token));
      return toGuestSession(sql.byToken.get(token.tokenHash)!);
    },

    async startGuestSession(site, claim, at, reportDueAt) {
      // One UPDATE … RETURNING checks and consumes the token, so two racing logins cannot both win; its
      // trigger (migration 012) ends the device's earlier session on this router if its router stopped reporting it.
      const row = await commitSoon(() => sql.start.get({ ...claim, at, localDay: localCalendar(at, site.timezone).day, reportDueAt }));
      return row && toGuestSession(row);
    },

    async findGuestSession(tokenHash) {
      const row = sql.byToken.get(tokenHash);
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
