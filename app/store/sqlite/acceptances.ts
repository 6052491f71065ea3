import type { Acceptance, AcceptanceExportRow, AcceptanceFilter, AcceptanceRecord, AcceptanceStore } from '../types';
import type { Connection } from './connection';

export interface AcceptanceRow {
  id: number; accepted_at: number; local_day: string; site_id: number; gateway_id: string | null; terms_version_id: number;
  device_id: string | null; client_mac: string | null; client_ip: string | null; user_agent: string | null; language: string; handoff: string;
  state_nonce: string | null; router_unauthenticated: number;
}

export function toAcceptance(row: AcceptanceRow): Acceptance {
  return {
    id: row.id, acceptedAt: row.accepted_at, localDay: row.local_day, siteId: row.site_id, gatewayId: row.gateway_id,
    termsVersionId: row.terms_version_id, deviceId: row.device_id, clientMac: row.client_mac, clientIp: row.client_ip,
    userAgent: row.user_agent, language: row.language, handoff: row.handoff, stateNonce: row.state_nonce,
    routerUnauthenticated: row.router_unauthenticated === 1,
  };
}

/** WHERE clause and parameters for an acceptance filter; the names are this module's own. */
function filterClause(filter: AcceptanceFilter): { where: string; params: Record<string, string | number> } {
  const conditions: string[] = [];
  const params: Record<string, string | number> = {};
  if (filter.siteId !== undefined) { conditions.push('a.site_id = @siteId'); params.siteId = filter.siteId; }
  if (filter.gatewayId !== undefined) { conditions.push('a.gateway_id = @gatewayId'); params.gatewayId = filter.gatewayId; }
  if (filter.fromDay !== undefined) { conditions.push('a.local_day >= @fromDay'); params.fromDay = filter.fromDay; }
  if (filter.toDay !== undefined) { conditions.push('a.local_day <= @toDay'); params.toDay = filter.toDay; }
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

export function sqliteAcceptances({ db, commitSoon, rollUps }: Connection): AcceptanceStore {
  const sql = {
    // A repeated state nonce inserts nothing, and counts nothing either (migration 013).
    insertAcceptance: db.prepare(`INSERT INTO acceptances (accepted_at, local_day, local_hour, local_weekday, site_id, gateway_id,
        terms_version_id, device_id, client_mac, client_ip, user_agent, language, handoff, device_family, mac_randomised, state_nonce,
        router_unauthenticated)
      VALUES (@acceptedAt, @localDay, @localHour, @localWeekday, @siteId, @gatewayId,
        @termsVersionId, @deviceId, @clientMac, @clientIp, @userAgent, @language, @handoff, @deviceFamily, @macRandomised, @stateNonce,
        @routerUnauthenticated)
      ON CONFLICT (state_nonce) DO NOTHING`),
    acceptanceByStateNonce: db.prepare<[string], AcceptanceRow>('SELECT * FROM acceptances WHERE state_nonce = ?'),
    // The device's newest acceptance of each of the release's languages: one index row each (migration 013),
    // where walking back through the device's acceptances until the release matched cost a step for each.
    remembered: db.prepare<{ siteId: number; deviceId: string; release: number; since: number }, AcceptanceRow>(`
      SELECT a.* FROM terms_versions t JOIN acceptances a ON a.id = (
        SELECT d.id FROM acceptances d WHERE d.device_id = @deviceId AND d.terms_version_id = t.id AND d.accepted_at >= @since
        ORDER BY d.accepted_at DESC LIMIT 1)
      WHERE t.site_id = @siteId AND t.release = @release`),
    // Only the address's newest acceptance is looked at (one row of its index, migration 013): walking back
    // past acceptances that have sessions cost a step for each one an address had made.
    lastUnreportedAcceptance: db.prepare<{ siteId: number; ip: string; since: number }, { accepted_at: number }>(`
      SELECT a.accepted_at FROM (
        SELECT id, accepted_at, client_ip FROM acceptances
        WHERE client_ip = @ip AND site_id = @siteId AND accepted_at >= @since ORDER BY accepted_at DESC LIMIT 1
      ) a
      WHERE NOT EXISTS (SELECT 1 FROM guest_sessions g WHERE g.acceptance_id = a.id AND g.client_ip = a.client_ip)`),
  };

  // The insert is the one statement that can fail on its own (a foreign key), before anything else is
  // written; the roll-ups after it are upserts that cannot, so a write needs no savepoint (it cost a
  // quarter of an acceptance's time in the store).
  function insert(acceptance: AcceptanceRecord): number | AcceptanceRow {
    const macRandomised = acceptance.macRandomised === null ? null : Number(acceptance.macRandomised);
    const { changes, lastInsertRowid } = sql.insertAcceptance.run({ ...acceptance, macRandomised, routerUnauthenticated: Number(acceptance.routerUnauthenticated ?? false) });
    if (changes === 0) return sql.acceptanceByStateNonce.get(acceptance.stateNonce!)!;
    rollUps.acceptanceStored(acceptance, macRandomised);
    return Number(lastInsertRowid);
  }

  return {
    async recordAcceptance(acceptance) {
      const stateNonce = acceptance.stateNonce ?? null;
      // Resolves once the row is committed with its statistics roll-ups (group commit). Two racing POSTs
      // of one page may share a batch: the second finds the first's row in the same transaction.
      const recorded = await commitSoon(() => insert({ ...acceptance, stateNonce }));
      if (typeof recorded !== 'number') return { ...toAcceptance(recorded), repeat: true };
      const { acceptedAt, gatewayId, termsVersionId, deviceId, clientMac, clientIp, userAgent, language, handoff, siteId, localDay } = acceptance;
      return {
        id: recorded, acceptedAt, gatewayId, termsVersionId, deviceId, clientMac, clientIp, userAgent, language, handoff, stateNonce, siteId, localDay,
        routerUnauthenticated: acceptance.routerUnauthenticated ?? false,
        repeat: false,
      };
    },

    async *exportAcceptances(filter) {
      const { where, params } = filterClause(filter);
      // Read in pages, never holding a statement open across a yield: while one is open, better-sqlite3
      // refuses every write on the connection, and a guest's acceptance must not wait for a download.
      // (local_day, id) is the order of the acceptances_site_day index, so each page is a seek, not a sort.
      const page = db.prepare<Record<string, string | number>, Omit<AcceptanceExportRow, 'acceptedAt' | 'routerUnauthenticated'> & { acceptedAt: number; routerUnauthenticated: number }>(`
        SELECT a.id, a.accepted_at AS acceptedAt, a.local_day AS localDay, a.gateway_id AS gatewayId,
          t.release AS termsRelease, t.language AS termsLanguage, t.sha256 AS termsSha256,
          a.client_mac AS clientMac, a.client_ip AS clientIp, a.user_agent AS userAgent, a.language, a.handoff,
          a.router_unauthenticated AS routerUnauthenticated
        FROM acceptances a JOIN terms_versions t ON t.id = a.terms_version_id
        ${where ? `${where} AND` : 'WHERE'} (a.local_day, a.id) > (@afterDay, @afterId)
        ORDER BY a.local_day, a.id LIMIT 1000`);
      let after = { afterDay: '', afterId: 0 };
      for (;;) {
        const rows = page.all({ ...params, ...after });
        for (const row of rows) yield { ...row, acceptedAt: new Date(row.acceptedAt).toISOString(), routerUnauthenticated: row.routerUnauthenticated === 1 };
        if (rows.length < 1000) return;
        after = { afterDay: rows[rows.length - 1].localDay, afterId: rows[rows.length - 1].id };
      }
    },

    async countAcceptances(filter) {
      const { where, params } = filterClause(filter);
      return db.prepare<Record<string, string | number>, { n: number }>(`SELECT count(*) AS n FROM acceptances a ${where}`).get(params)!.n;
    },

    async rememberedAcceptance(siteId, deviceId, release, since) {
      const newest = sql.remembered.all({ siteId, deviceId, release, since })
        .reduce<AcceptanceRow | undefined>((found, row) => (found && found.accepted_at >= row.accepted_at ? found : row), undefined);
      return newest && toAcceptance(newest);
    },

    async lastUnreportedAcceptanceByIp(siteId, ip, since) {
      return sql.lastUnreportedAcceptance.get({ siteId, ip, since })?.accepted_at;
    },
  };
}
