import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { MaintenanceStore, PersonalDataChange } from '../types';
import { createPrivateFile } from '../private-files';
import { toAcceptance, type AcceptanceRow } from './acceptances';
import type { Connection } from './connection';
import { toGuestSession, type GuestSessionRow } from '../rows';

/** Rows a purge batch changes: a few milliseconds of work between two turns of the event loop. */
const purgeBatchRows = 2000;

/** The privacy and durability half of the store; close() is the composing store's (it owns the checkpointer). */
export function sqliteMaintenance({ db }: Connection): Omit<MaintenanceStore, 'close'> {
  const sql = {
    ping: db.prepare<[], { ok: number }>('SELECT 1 AS ok'),
    // In batches along the rowid (a cursor, never rescanning what is done): a first purge over a large
    // backlog must not hold the event loop, and every guest request, for seconds.
    purgeAcceptances: db.prepare<{ before: number; after: number; limit: number }, { id: number }>(`UPDATE acceptances
      SET client_mac = NULL, client_ip = NULL, user_agent = NULL
      WHERE id IN (SELECT id FROM acceptances WHERE id > @after AND accepted_at < @before
        AND (client_mac IS NOT NULL OR client_ip IS NOT NULL OR user_agent IS NOT NULL) ORDER BY id LIMIT @limit)
      RETURNING id`),
    // Live sessions keep their addresses: the router's checks need them until the session ends.
    purgeSessions: db.prepare<{ before: number; after: number; limit: number }, { id: number }>(`UPDATE guest_sessions
      SET client_mac = NULL, client_ip = NULL
      WHERE id IN (SELECT id FROM guest_sessions WHERE id > @after AND (client_mac IS NOT NULL OR client_ip IS NOT NULL)
        AND (ended_at < @before OR (started_at IS NULL AND start_by < @before)) ORDER BY id LIMIT @limit)
      RETURNING id`),
    // A RADIUS login checks the guest's MAC and IP while its session may re-authenticate: two days at most past retention.
    purgeRadiusCredentials: db.prepare<{ before: number }>('DELETE FROM radius_credentials WHERE issued_at < @before - 2 * 86400000'),
    guestAcceptances: db.prepare<{ mac: string; deviceId: string }, AcceptanceRow>(
      'SELECT * FROM acceptances WHERE client_mac = @mac OR device_id = @deviceId ORDER BY accepted_at, id'),
    guestSessions: db.prepare<{ mac: string; deviceId: string }, GuestSessionRow>(
      'SELECT * FROM guest_sessions WHERE client_mac = @mac OR device_id = @deviceId ORDER BY id'),
    forgetAcceptances: db.prepare<{ mac: string; deviceId: string }>(`UPDATE acceptances
      SET client_mac = NULL, client_ip = NULL, user_agent = NULL, device_id = NULL WHERE client_mac = @mac OR device_id = @deviceId`),
    forgetSessions: db.prepare<{ mac: string; deviceId: string }>('DELETE FROM guest_sessions WHERE client_mac = @mac OR device_id = @deviceId'),
    forgetRadiusCredentials: db.prepare<{ mac: string }>('DELETE FROM radius_credentials WHERE client_mac = @mac'),
    // The statistics' per-device days keep counting the device, under a random id nothing links back.
    unlinkDeviceDays: db.prepare<{ deviceId: string; replacement: string }>('UPDATE device_days SET device_id = @replacement WHERE device_id = @deviceId'),
  };

  return {
    async isHealthy() {
      try {
        return sql.ping.get()?.ok === 1;
      } catch {
        return false;
      }
    },

    async backup(file) {
      createPrivateFile(file, 'wx');
      try {
        await db.backup(file);
      } catch (error) {
        fs.rmSync(file, { force: true });
        throw error;
      }
    },

    async purgePersonalData(before) {
      const change: PersonalDataChange = { acceptances: 0, guestSessions: 0 };
      for (const [table, statement] of [['acceptances', sql.purgeAcceptances], ['guestSessions', sql.purgeSessions]] as const) {
        let after = 0;
        for (;;) {
          const ids = db.transaction(() => statement.all({ before, after, limit: purgeBatchRows })).immediate();
          change[table] += ids.length;
          if (ids.length < purgeBatchRows) break;
          after = Math.max(...ids.map((row) => row.id));
          await new Promise((resolve) => setImmediate(resolve)); // let guests' requests in between batches
        }
      }
      db.transaction(() => sql.purgeRadiusCredentials.run({ before })).immediate();
      return change;
    },

    async findGuestRecords(mac, deviceId) {
      // A session's key identifies a login to its router (a hash the driver chose), not the guest: the mapping leaves it out.
      return { acceptances: sql.guestAcceptances.all({ mac, deviceId }).map(toAcceptance), guestSessions: sql.guestSessions.all({ mac, deviceId }).map(toGuestSession) };
    },

    async forgetGuest(mac, deviceId) {
      const forget = db.transaction(() => {
        sql.unlinkDeviceDays.run({ deviceId, replacement: randomBytes(16).toString('hex') });
        sql.forgetRadiusCredentials.run({ mac });
        return {
          guestSessions: sql.forgetSessions.run({ mac, deviceId }).changes,
          acceptances: sql.forgetAcceptances.run({ mac, deviceId }).changes,
        };
      });
      return forget.immediate();
    },
  };
}
