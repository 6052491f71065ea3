import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { MaintenanceStore, PersonalDataChange } from '../types';
import { toAcceptance, type AcceptanceRow } from './acceptances';
import type { Connection } from './connection';
import { toGuestSession, type GuestSessionRow } from '../rows';

/** Rows a purge batch changes: each batch its own short transaction, so that guests' writes never wait long. */
const purgeBatchRows = 2000;
const backupFetchRows = 1000;

/** How long /healthz waits for the database's answer. */
const healthCheckMs = 2000;

/** The privacy and durability half of the store; close() is the composing store's (it owns the pool). */
export function postgresMaintenance({ db, transaction }: Connection): Omit<MaintenanceStore, 'close'> {
  const purge = {
    acceptances: `UPDATE acceptances SET client_mac = NULL, client_ip = NULL, user_agent = NULL
      WHERE id IN (SELECT id FROM acceptances WHERE id > $2 AND accepted_at < $1
        AND (client_mac IS NOT NULL OR client_ip IS NOT NULL OR user_agent IS NOT NULL) ORDER BY id LIMIT $3)
      RETURNING id`,
    // Live sessions keep their addresses: the router's checks need them until the session ends.
    guestSessions: `UPDATE guest_sessions SET client_mac = NULL, client_ip = NULL
      WHERE id IN (SELECT id FROM guest_sessions WHERE id > $2 AND (client_mac IS NOT NULL OR client_ip IS NOT NULL)
        AND (ended_at < $1 OR (started_at IS NULL AND start_by < $1)) ORDER BY id LIMIT $3)
      RETURNING id`,
  };

  return {
    async isHealthy() {
      // Bounded: a load balancer's health check must hear "unhealthy" quickly, not wait for a connection to time out.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), healthCheckMs); });
      try {
        return await Promise.race([db.row<{ ok: number }>('SELECT 1 AS ok').then((row) => row?.ok === 1, () => false), late]);
      } finally {
        clearTimeout(timer);
      }
    },

    /**
     * Every table of the store, row by row as JSON lines ({"table", "row"}; bytea in base64), read from one
     * snapshot through a cursor while the instances go on writing. pg_dump does the same for a DBA; this one
     * needs no PostgreSQL client programs beside Portico.
     */
    async backup(file) {
      const fd = fs.openSync(file, 'wx', 0o600);
      try {
        await transaction(async (tx) => {
          const tables = await tx.rows<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`);
          fs.writeSync(fd, `${JSON.stringify({ portico: 'postgres backup', takenAt: new Date().toISOString(), tables: tables.map((t) => t.name) })}\n`);
          for (const { name } of tables) {
            await tx.run(`DECLARE backup_rows NO SCROLL CURSOR FOR SELECT * FROM "${name.replaceAll('"', '""')}"`);
            for (;;) {
              const rows = await tx.rows(`FETCH ${backupFetchRows} FROM backup_rows`);
              if (rows.length > 0) {
                fs.writeSync(fd, rows.map((row) => JSON.stringify({ table: name, row }, (_key, value: unknown) =>
                  ((value as { type?: string })?.type === 'Buffer' ? { base64: Buffer.from((value as { data: number[] }).data).toString('base64') } : value))).join('\n') + '\n');
              }
              if (rows.length < backupFetchRows) break;
            }
            await tx.run('CLOSE backup_rows');
          }
        }, 'snapshot');
        fs.fsyncSync(fd);
      } catch (error) {
        fs.closeSync(fd);
        fs.rmSync(file, { force: true });
        throw error;
      }
      fs.closeSync(fd);
    },

    async purgePersonalData(before) {
      const change: PersonalDataChange = { acceptances: 0, guestSessions: 0 };
      for (const table of ['acceptances', 'guestSessions'] as const) {
        let after = 0;
        for (;;) {
          const ids = await db.rows<{ id: number }>(purge[table], [before, after, purgeBatchRows]);
          change[table] += ids.length;
          if (ids.length < purgeBatchRows) break;
          after = Math.max(...ids.map((row) => row.id));
        }
      }
      // A RADIUS login checks the guest's MAC and IP while its session may re-authenticate: two days at most past retention.
      await db.run('DELETE FROM radius_credentials WHERE issued_at < $1', [before - 2 * 86400000]);
      return change;
    },

    async findGuestRecords(mac, deviceId) {
      // A session's key identifies a login to its router (a hash the driver chose), not the guest: the mapping leaves it out.
      const [acceptances, guestSessions] = await Promise.all([
        db.rows<AcceptanceRow>('SELECT * FROM acceptances WHERE client_mac = $1 OR device_id = $2 ORDER BY accepted_at, id', [mac, deviceId]),
        db.rows<GuestSessionRow>('SELECT * FROM guest_sessions WHERE client_mac = $1 OR device_id = $2 ORDER BY id', [mac, deviceId]),
      ]);
      return { acceptances: acceptances.map(toAcceptance), guestSessions: guestSessions.map(toGuestSession) };
    },

    async forgetGuest(mac, deviceId) {
      return transaction(async (tx) => {
        // The statistics' per-device days keep counting the device, under a random id nothing links back.
        await tx.run('UPDATE device_days SET device_id = $1 WHERE device_id = $2', [randomBytes(16).toString('hex'), deviceId]);
        await tx.run('DELETE FROM radius_credentials WHERE client_mac = $1', [mac]);
        return {
          guestSessions: await tx.run('DELETE FROM guest_sessions WHERE client_mac = $1 OR device_id = $2', [mac, deviceId]),
          acceptances: await tx.run(`UPDATE acceptances SET client_mac = NULL, client_ip = NULL, user_agent = NULL, device_id = NULL
            WHERE client_mac = $1 OR device_id = $2`, [mac, deviceId]),
        };
      });
    },
  };
}
