import type { RouterAuthorisation, RouterAuthorisationStore } from '../types';
import type { Connection } from './connection';

interface RouterAuthorisationRow { gateway_id: string; site_id: number; auth_key: string; entry: string; queued_at: number; offer_until: number }

function toAuthorisation(row: RouterAuthorisationRow): RouterAuthorisation {
  return { gatewayId: row.gateway_id, siteId: row.site_id, key: row.auth_key, entry: row.entry, queuedAt: row.queued_at, offerUntil: row.offer_until };
}

export function sqliteRouterAuthorisations({ db, commitSoon }: Connection): RouterAuthorisationStore {
  const sql = {
    queue: db.prepare<RouterAuthorisation>(`INSERT INTO router_authorisations (gateway_id, site_id, auth_key, entry, queued_at, offer_until)
      VALUES (@gatewayId, @siteId, @key, @entry, @queuedAt, @offerUntil) ON CONFLICT (gateway_id, auth_key) DO NOTHING`),
    pending: db.prepare<{ gatewayId: string; now: number; limit: number }, RouterAuthorisationRow>(`SELECT * FROM router_authorisations
      WHERE gateway_id = @gatewayId AND offer_until > @now ORDER BY queued_at, auth_key LIMIT @limit`),
    expired: db.prepare<{ gatewayId: string; now: number }>('DELETE FROM router_authorisations WHERE gateway_id = @gatewayId AND offer_until <= @now'),
    forget: db.prepare<{ gatewayId: string; key: string }>('DELETE FROM router_authorisations WHERE gateway_id = @gatewayId AND auth_key = @key'),
    clear: db.prepare<[string]>('DELETE FROM router_authorisations WHERE gateway_id = ?'),
  };
  return {
    async queueRouterAuthorisation(authorisation) {
      await commitSoon(() => sql.queue.run(authorisation));
    },
    async pendingRouterAuthorisations(gatewayId, now, limit) {
      const rows = sql.pending.all({ gatewayId, now, limit });
      // Expired lines are dropped as the router polls, so the table holds only what is still on offer.
      if (rows.length < limit) await commitSoon(() => sql.expired.run({ gatewayId, now }));
      return rows.map(toAuthorisation);
    },
    async forgetRouterAuthorisations(gatewayId, keys) {
      return commitSoon(() => keys.filter((key) => sql.forget.run({ gatewayId, key }).changes === 1));
    },
    async clearRouterAuthorisations(gatewayId) {
      return commitSoon(() => sql.clear.run(gatewayId).changes);
    },
  };
}
