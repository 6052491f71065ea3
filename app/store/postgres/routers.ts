import { StoreConflictError } from '../../errors';
import type { Gateway, RouterStore } from '../types';
import { isUniqueViolation, type Connection } from './connection';

interface GatewayRow {
  id: string; site_id: number; type: string; name: string; settings: Record<string, unknown>; created_at: number;
  last_contact_at: number | null; health: Record<string, number> | null;
}

function toGateway(row: GatewayRow): Gateway {
  const gateway: Gateway = { id: row.id, siteId: row.site_id, type: row.type, name: row.name, settings: row.settings, createdAt: row.created_at };
  // Health appears once the router has reported itself.
  if (row.last_contact_at !== null) gateway.lastContactAt = row.last_contact_at;
  if (row.health !== null) gateway.health = row.health;
  return gateway;
}

export function postgresRouters({ db, cache }: Connection): RouterStore {
  async function getGateway(id: string): Promise<Gateway | undefined> {
    return cache.get(cache.gateways, id, async () => {
      const row = await db.row<GatewayRow>('SELECT * FROM gateways WHERE id = $1', [id]);
      return row && toGateway(row);
    });
  }

  /** A write to one router's row, which drops it from the cache once committed. */
  async function changed(id: string, write: Promise<number>): Promise<boolean> {
    try {
      return (await write) === 1;
    } finally {
      cache.forgetGateway(id);
    }
  }

  return {
    getGateway,

    async addGateway(gateway, at) {
      try {
        await changed(gateway.id, db.run(`INSERT INTO gateways (id, site_id, type, name, settings, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
          [gateway.id, gateway.siteId, gateway.type, gateway.name, JSON.stringify(gateway.settings), at]));
      } catch (error) {
        if (isUniqueViolation(error)) throw new StoreConflictError(`gateway "${gateway.id}" already exists`);
        throw error;
      }
      return (await getGateway(gateway.id))!;
    },

    async listGateways(siteId) {
      const rows = siteId === undefined
        ? await db.rows<GatewayRow>('SELECT * FROM gateways ORDER BY id')
        : await db.rows<GatewayRow>('SELECT * FROM gateways WHERE site_id = $1 ORDER BY id', [siteId]);
      return rows.map(toGateway);
    },

    async renameGateway(id, name) {
      return changed(id, db.run('UPDATE gateways SET name = $1 WHERE id = $2', [name, id]));
    },

    async setGatewaySettings(id, settings) {
      return changed(id, db.run('UPDATE gateways SET settings = $1 WHERE id = $2', [JSON.stringify(settings), id]));
    },

    async removeGateway(id) {
      return changed(id, db.run('DELETE FROM gateways WHERE id = $1', [id]));
    },

    async recordGatewayContact(gatewayId, health, at) {
      return changed(gatewayId, db.run('UPDATE gateways SET last_contact_at = $1, health = $2 WHERE id = $3', [at, JSON.stringify(health), gatewayId]));
    },
  };
}
