import type { Acceptance, AcceptanceExportRow, AcceptanceFilter, AcceptanceStore } from '../types';
import type { Connection } from './connection';

export interface AcceptanceRow {
  id: number; accepted_at: number; local_day: string; site_id: number; gateway_id: string | null; terms_version_id: number;
  device_id: string | null; client_mac: string | null; client_ip: string | null; user_agent: string | null; language: string; handoff: string;
  state_nonce: string | null; router_unauthenticated: boolean;
}

export function toAcceptance(row: AcceptanceRow): Acceptance {
  return {
    id: row.id, acceptedAt: row.accepted_at, localDay: row.local_day, siteId: row.site_id, gatewayId: row.gateway_id,
    termsVersionId: row.terms_version_id, deviceId: row.device_id, clientMac: row.client_mac, clientIp: row.client_ip,
    userAgent: row.user_agent, language: row.language, handoff: row.handoff, stateNonce: row.state_nonce,
    routerUnauthenticated: row.router_unauthenticated,
  };
}

/** WHERE conditions for an acceptance filter, their parameters numbered from $1. */
function filterClause(filter: AcceptanceFilter): { conditions: string[]; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, value: unknown) => { params.push(value); conditions.push(`${condition} $${params.length}`); };
  if (filter.siteId !== undefined) add('a.site_id =', filter.siteId);
  if (filter.gatewayId !== undefined) add('a.gateway_id =', filter.gatewayId);
  if (filter.fromDay !== undefined) add('a.local_day >=', filter.fromDay);
  if (filter.toDay !== undefined) add('a.local_day <=', filter.toDay);
  return { conditions, params };
}

const exportPageRows = 1000;

type ExportRow = Omit<AcceptanceExportRow, 'acceptedAt'> & { acceptedAt: number };

export function postgresAcceptances({ db, transaction, rollUps }: Connection): AcceptanceStore {
  return {
    async recordAcceptance(acceptance) {
      const stateNonce = acceptance.stateNonce ?? null;
      const macRandomised = acceptance.macRandomised === null ? null : Number(acceptance.macRandomised);
      // Each acceptance is its own transaction, the row and its roll-ups together; where SQLite's group commit
      // batches commits on its one connection, here the pool runs many such transactions at once, from every instance.
      return transaction(async (tx) => {
        // A repeated state nonce inserts nothing, and counts nothing either. Racing the first (on this
        // instance or another), the insert waits for it to commit, and the select below then finds its row.
        const inserted = await tx.row<{ id: number }>(`INSERT INTO acceptances (accepted_at, local_day, local_hour, local_weekday, site_id,
            gateway_id, terms_version_id, device_id, client_mac, client_ip, user_agent, language, handoff, device_family, mac_randomised,
            state_nonce, router_unauthenticated)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
          ON CONFLICT (state_nonce) DO NOTHING RETURNING id`,
        [acceptance.acceptedAt, acceptance.localDay, acceptance.localHour, acceptance.localWeekday, acceptance.siteId, acceptance.gatewayId,
          acceptance.termsVersionId, acceptance.deviceId, acceptance.clientMac, acceptance.clientIp, acceptance.userAgent, acceptance.language,
          acceptance.handoff, acceptance.deviceFamily, macRandomised, stateNonce, acceptance.routerUnauthenticated ?? false]);
        if (!inserted) {
          const stored = (await tx.row<AcceptanceRow>('SELECT * FROM acceptances WHERE state_nonce = $1', [stateNonce]))!;
          return { ...toAcceptance(stored), repeat: true };
        }
        await rollUps.acceptanceStored(tx, acceptance, macRandomised);
        const { acceptedAt, gatewayId, termsVersionId, deviceId, clientMac, clientIp, userAgent, language, handoff, siteId, localDay } = acceptance;
        return {
          id: inserted.id, acceptedAt, gatewayId, termsVersionId, deviceId, clientMac, clientIp, userAgent, language, handoff, stateNonce, siteId, localDay,
          routerUnauthenticated: acceptance.routerUnauthenticated ?? false,
          repeat: false,
        };
      });
    },

    async *exportAcceptances(filter) {
      const { conditions, params } = filterClause(filter);
      const after = `(a.local_day, a.id) > ($${params.length + 1}, $${params.length + 2})`;
      // In pages by (local_day, id), each a seek along an index; no transaction is held open across a yield.
      const page = `SELECT a.id, a.accepted_at AS "acceptedAt", a.local_day AS "localDay", a.gateway_id AS "gatewayId",
          t.release AS "termsRelease", t.language AS "termsLanguage", t.sha256 AS "termsSha256",
          a.client_mac AS "clientMac", a.client_ip AS "clientIp", a.user_agent AS "userAgent", a.language, a.handoff,
          a.router_unauthenticated AS "routerUnauthenticated"
        FROM acceptances a JOIN terms_versions t ON t.id = a.terms_version_id
        WHERE ${[...conditions, after].join(' AND ')}
        ORDER BY a.local_day, a.id LIMIT ${exportPageRows}`;
      let afterDay = '';
      let afterId = 0;
      for (;;) {
        const rows = await db.rows<ExportRow>(page, [...params, afterDay, afterId]);
        for (const row of rows) yield { ...row, acceptedAt: new Date(row.acceptedAt).toISOString() };
        if (rows.length < exportPageRows) return;
        ({ localDay: afterDay, id: afterId } = rows[rows.length - 1]);
      }
    },

    async countAcceptances(filter) {
      const { conditions, params } = filterClause(filter);
      const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
      return (await db.row<{ n: number }>(`SELECT count(*) AS n FROM acceptances a ${where}`, params))!.n;
    },

    async rememberedAcceptance(siteId, deviceId, release, since) {
      // The device's newest acceptance of each of the release's languages: one index row each.
      const rows = await db.rows<AcceptanceRow>(`
        SELECT a.* FROM terms_versions t JOIN acceptances a ON a.id = (
          SELECT d.id FROM acceptances d WHERE d.device_id = $2 AND d.terms_version_id = t.id AND d.accepted_at >= $4
          ORDER BY d.accepted_at DESC LIMIT 1)
        WHERE t.site_id = $1 AND t.release = $3`, [siteId, deviceId, release, since]);
      const newest = rows.reduce<AcceptanceRow | undefined>((found, row) => (found && found.accepted_at >= row.accepted_at ? found : row), undefined);
      return newest && toAcceptance(newest);
    },

    async lastUnreportedAcceptanceByIp(siteId, ip, since) {
      // Only the address's newest acceptance is looked at (one row of its index).
      const row = await db.row<{ accepted_at: number }>(`
        SELECT a.accepted_at FROM (
          SELECT id, accepted_at, client_ip FROM acceptances
          WHERE client_ip = $2 AND site_id = $1 AND accepted_at >= $3 ORDER BY accepted_at DESC LIMIT 1
        ) a
        WHERE NOT EXISTS (SELECT 1 FROM guest_sessions g WHERE g.acceptance_id = a.id AND g.client_ip = a.client_ip)`, [siteId, ip, since]);
      return row?.accepted_at;
    },
  };
}
