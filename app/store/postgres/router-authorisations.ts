import type { RouterAuthorisation, RouterAuthorisationStore } from '../types';
import type { Connection } from './connection';

interface RouterAuthorisationRow { gateway_id: string; site_id: number; auth_key: string; entry: string; queued_at: number; offer_until: number }

function toAuthorisation(row: RouterAuthorisationRow): RouterAuthorisation {
  return { gatewayId: row.gateway_id, siteId: row.site_id, key: row.auth_key, entry: row.entry, queuedAt: row.queued_at, offerUntil: row.offer_until };
}

export function postgresRouterAuthorisations({ db }: Connection): RouterAuthorisationStore {
  return {
    async queueRouterAuthorisation(a) {
      await db.run(`INSERT INTO router_authorisations (gateway_id, site_id, auth_key, entry, queued_at, offer_until)
        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (gateway_id, auth_key) DO NOTHING`, [a.gatewayId, a.siteId, a.key, a.entry, a.queuedAt, a.offerUntil]);
    },
    async pendingRouterAuthorisations(gatewayId, now, limit) {
      const rows = await db.rows<RouterAuthorisationRow>(`SELECT * FROM router_authorisations
        WHERE gateway_id = $1 AND offer_until > $2 ORDER BY queued_at, auth_key LIMIT $3`, [gatewayId, now, limit]);
      // Expired lines are dropped as the router polls, so the table holds only what is still on offer.
      if (rows.length < limit) await db.run('DELETE FROM router_authorisations WHERE gateway_id = $1 AND offer_until <= $2', [gatewayId, now]);
      return rows.map(toAuthorisation);
    },
    async forgetRouterAuthorisations(gatewayId, keys) {
      // One statement: of keys named twice, or acknowledged on two instances at once, each is forgotten once.
      const rows = await db.rows<{ auth_key: string }>('DELETE FROM router_authorisations WHERE gateway_id = $1 AND auth_key = ANY($2::text[]) RETURNING auth_key',
        [gatewayId, keys]);
      const forgotten = new Set(rows.map((row) => row.auth_key));
      return keys.filter((key) => forgotten.delete(key));
    },
    async clearRouterAuthorisations(gatewayId) {
      return db.run('DELETE FROM router_authorisations WHERE gateway_id = $1', [gatewayId]);
    },
  };
}
