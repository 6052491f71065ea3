import { StoreConflictError } from '../../errors';
import type { Gateway, RouterStore } from '../types';
import { isConstraintConflict, type Connection } from './connection';

interface GatewayRow {
  id: string; site_id: number; type: string; name: string; settings: string; created_at: number;
  last_contact_at: number | null; health: string | null;
}

function toGateway(row: GatewayRow): Gateway {
  const gateway: Gateway = { id: row.id, siteId: row.site_id, type: row.type, name: row.name, settings: JSON.parse(row.settings), createdAt: row.created_at };
  // Health appears once the router has reported itself.
  if (row.last_contact_at !== null) gateway.lastContactAt = row.last_contact_at;
  if (row.health !== null) gateway.health = JSON.parse(row.health);
  return gateway;
}

export function sqliteRouters({ db, cache, commitSoon }: Connection): RouterStore {
  const sql = {
    insertGateway: db.prepare(`INSERT INTO gateways (id, site_id, type, name, settings, created_at)
      VALUES (@id, @siteId, @type, @name, @settings, @createdAt)`),
    gatewayById: db.prepare<[string], GatewayRow>('SELECT * FROM gateways WHERE id = ?'),
    allGateways: db.prepare<[], GatewayRow>('SELECT * FROM gateways ORDER BY id'),
    siteGateways: db.prepare<[number], GatewayRow>('SELECT * FROM gateways WHERE site_id = ? ORDER BY id'),
    renameGateway: db.prepare<[string, string]>('UPDATE gateways SET name = ? WHERE id = ?'),
    setGatewaySettings: db.prepare<[string, string]>('UPDATE gateways SET settings = ? WHERE id = ?'),
    deleteGateway: db.prepare<[string]>('DELETE FROM gateways WHERE id = ?'),
    contact: db.prepare<{ id: string; health: string; at: number }>('UPDATE gateways SET last_contact_at = @at, health = @health WHERE id = @id'),
  };

  async function getGateway(id: string): Promise<Gateway | undefined> {
    return cache.get(cache.gateways, id, () => {
      const row = sql.gatewayById.get(id);
      return row && toGateway(row);
    });
  }

  return {
    getGateway,

    async addGateway(gateway, at) {
      try {
        sql.insertGateway.run({ ...gateway, settings: JSON.stringify(gateway.settings), createdAt: at });
        cache.gateways.delete(gateway.id);
      } catch (error) {
        if (isConstraintConflict(error)) throw new StoreConflictError(`gateway "${gateway.id}" already exists`);
        throw error;
      }
      return (await getGateway(gateway.id))!;
    },

    async listGateways(siteId) {
      const rows = siteId === undefined ? sql.allGateways.all() : sql.siteGateways.all(siteId);
      return rows.map(toGateway);
    },

    async renameGateway(id, name) {
      cache.gateways.delete(id);
      return sql.renameGateway.run(name, id).changes === 1;
    },

    async setGatewaySettings(id, settings) {
      cache.gateways.delete(id);
      return sql.setGatewaySettings.run(JSON.stringify(settings), id).changes === 1;
    },

    async removeGateway(id) {
      cache.gateways.delete(id);
      return sql.deleteGateway.run(id).changes === 1;
    },

    async recordGatewayContact(gatewayId, health, at) {
      return (await commitSoon(() => {
        cache.gateways.delete(gatewayId);
        return sql.contact.run({ id: gatewayId, health: JSON.stringify(health), at });
      })).changes > 0;
    },
  };
}
