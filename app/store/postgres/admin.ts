import { StoreConflictError } from '../../errors';
import type { AdminRole, AdminStore, AdminUser } from '../types';
import { isUniqueViolation, lock, type Connection, type Sql } from './connection';

interface AdminUserRow {
  id: number; username: string; role: AdminRole; password_hash: string; password_changed_at: number; created_at: number; last_sign_in_at: number | null;
  /** The granted venues' ids, in order. */
  venue_ids: number[];
}

function toAdminUser(row: AdminUserRow): AdminUser {
  return {
    id: row.id, username: row.username, role: row.role, venueIds: row.venue_ids, passwordHash: row.password_hash, passwordChangedAt: row.password_changed_at, createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at,
  };
}

// int4[] (which node-postgres reads as numbers): venue ids are far below 2^31.
const selectUsers = `SELECT u.*, ARRAY(SELECT g.site_id::int FROM admin_venue_grants g WHERE g.admin_user_id = u.id ORDER BY g.site_id) AS venue_ids
  FROM admin_users u`;
const insertUser = `INSERT INTO admin_users (username, password_hash, password_changed_at, created_at, role) VALUES ($1, $2, $3, $3, $4) RETURNING id`;
const countUsers = 'SELECT count(*) AS n FROM admin_users';
const countOperators = "SELECT count(*) AS n FROM admin_users WHERE role = 'operator'";
// A venue removed on another instance at the same moment: FOR SHARE waits for its removal, then sees it removed.
const grant = `INSERT INTO admin_venue_grants (admin_user_id, site_id)
  SELECT u.id, s.id FROM admin_users u, sites s WHERE u.id = $1 AND s.id = $2 AND s.removed_at IS NULL FOR SHARE OF s
  ON CONFLICT DO NOTHING`;

/**
 * Checks that read before they write (the last admin, the first admin, the one working setup token) take
 * this lock, so that they hold across instances and the command line as SQLite's one writer made them hold.
 */
const accountsLock = (tx: Sql) => lock(tx, 'admin accounts');

export function postgresAdmin({ db, transaction }: Connection): AdminStore {
  async function getAdminUser(id: number): Promise<AdminUser | undefined> {
    const row = await db.row<AdminUserRow>(`${selectUsers} WHERE u.id = $1`, [id]);
    return row && toAdminUser(row);
  }

  /** Whether taking the operator role from this account would leave none (under the accounts lock). */
  async function isLastOperator(tx: Sql, id: number): Promise<boolean> {
    const row = await tx.row<{ role: AdminRole }>('SELECT role FROM admin_users WHERE id = $1', [id]);
    return row?.role === 'operator' && (await tx.row<{ n: number }>(countOperators))!.n <= 1;
  }

  return {
    getAdminUser,

    async countAdminUsers() {
      return (await db.row<{ n: number }>(countUsers))!.n;
    },

    async addAdminUser(username, passwordHash, at, access = { role: 'operator' }) {
      try {
        const id = await transaction(async (tx) => {
          const { id } = (await tx.row<{ id: number }>(insertUser, [username, passwordHash, at, access.role]))!;
          for (const siteId of access.venueIds ?? []) await tx.run(grant, [id, siteId]);
          return id;
        });
        return (await getAdminUser(id))!;
      } catch (error) {
        if (isUniqueViolation(error)) throw new StoreConflictError(`admin "${username}" already exists`);
        throw error;
      }
    },

    async findAdminUser(username) {
      // Names compare without case, as the unique index on lower(username) does.
      const row = await db.row<AdminUserRow>(`${selectUsers} WHERE lower(u.username) = lower($1)`, [username]);
      return row && toAdminUser(row);
    },

    async setAdminPassword(id, passwordHash, at) {
      await db.run('UPDATE admin_users SET password_hash = $1, password_changed_at = $2 WHERE id = $3', [passwordHash, at, id]);
    },

    async listAdminUsers() {
      return (await db.rows<AdminUserRow>(`${selectUsers} ORDER BY lower(u.username) COLLATE "C", u.id`)).map(toAdminUser);
    },

    async removeAdminUser(id) {
      await transaction(async (tx) => {
        await accountsLock(tx);
        if (await isLastOperator(tx, id)) {
          throw new StoreConflictError('this is the last operator; add another one first (portico admin add --operator)');
        }
        await tx.run(`DELETE FROM admin_sessions WHERE (data::json ->> 'adminUserId') = $1::text`, [id]);
        await tx.run('DELETE FROM admin_users WHERE id = $1', [id]);
      });
    },

    async setAdminRole(id, role) {
      await transaction(async (tx) => {
        await accountsLock(tx);
        if (role === 'manager' && await isLastOperator(tx, id)) {
          throw new StoreConflictError('this is the last operator; make another account an operator first');
        }
        await tx.run('UPDATE admin_users SET role = $1 WHERE id = $2', [role, id]);
      });
    },

    async grantVenue(userId, siteId) {
      return await db.run(grant, [userId, siteId]) === 1;
    },

    async revokeVenue(userId, siteId) {
      return await db.run('DELETE FROM admin_venue_grants WHERE admin_user_id = $1 AND site_id = $2', [userId, siteId]) === 1;
    },

    async reserveSignInAttempt(account, address, limits, now) {
      return transaction(async (tx) => {
        // The address's lock: two attempts at once, on two instances, cannot both take the last one allowed.
        await lock(tx, `sign-in ${address}`);
        // A few expired rows per attempt: the table holds at most one window's attempts, however many addresses try.
        await tx.run(`DELETE FROM admin_sign_in_attempts WHERE (account, address) IN (
          SELECT account, address FROM admin_sign_in_attempts WHERE window_ends_at <= $1 LIMIT 10)`, [now]);
        let refusedUntil: number | null = null;
        for (const [key, limit] of [[account, limits.perAccountAndAddress], ['', limits.perAddress]] as const) {
          const row = await tx.row<{ attempts: number; window_ends_at: number }>(
            'SELECT attempts, window_ends_at FROM admin_sign_in_attempts WHERE account = $1 AND address = $2', [key, address]);
          if (row && row.window_ends_at > now && row.attempts >= limit) refusedUntil = Math.max(refusedUntil ?? 0, row.window_ends_at);
        }
        if (refusedUntil !== null) return refusedUntil;
        for (const key of [account, '']) {
          await tx.run(`INSERT INTO admin_sign_in_attempts AS s (account, address, attempts, window_ends_at) VALUES ($1, $2, 1, $4)
            ON CONFLICT (account, address) DO UPDATE SET
              attempts = CASE WHEN s.window_ends_at <= $3 THEN 1 ELSE s.attempts + 1 END,
              window_ends_at = CASE WHEN s.window_ends_at <= $3 THEN $4 ELSE s.window_ends_at END`, [key, address, now, now + limits.windowMs]);
        }
        return null;
      });
    },

    async signInSucceeded(userId, account, address, at) {
      await transaction(async (tx) => {
        await lock(tx, `sign-in ${address}`);
        await tx.run('DELETE FROM admin_sign_in_attempts WHERE account = $1 AND address = $2', [account, address]);
        await tx.run("UPDATE admin_sign_in_attempts SET attempts = attempts - 1 WHERE account = '' AND address = $1 AND attempts > 0", [address]);
        await tx.run('UPDATE admin_users SET last_sign_in_at = $1 WHERE id = $2', [at, userId]);
      });
    },

    async clearSignInAttempts(account) {
      return db.run("DELETE FROM admin_sign_in_attempts WHERE account = $1 AND account <> ''", [account]);
    },

    async signInLockout(account, limits, now) {
      const row = (await db.row<{ addresses: number; until: number | null }>(`SELECT count(*) AS addresses, max(window_ends_at) AS until
        FROM admin_sign_in_attempts WHERE account = $1 AND account <> '' AND attempts >= $2 AND window_ends_at > $3`,
      [account, limits.perAccountAndAddress, now]))!;
      return row.until === null ? undefined : { addresses: row.addresses, until: row.until };
    },

    async replaceSetupToken(tokenHash, at) {
      await transaction(async (tx) => {
        await accountsLock(tx);
        await tx.run('DELETE FROM admin_setup_tokens WHERE used_at IS NULL');
        await tx.run('INSERT INTO admin_setup_tokens (token_hash, created_at) VALUES ($1, $2)', [tokenHash, at]);
      });
    },

    async setupTokenWorks(tokenHash) {
      return (await db.row<{ works: boolean }>(`SELECT EXISTS (SELECT 1 FROM admin_setup_tokens WHERE token_hash = $1 AND used_at IS NULL)
        AND NOT EXISTS (SELECT 1 FROM admin_users) AS works`, [tokenHash]))!.works;
    },

    async createFirstAdmin(tokenHash, username, passwordHash, at) {
      const row = await transaction(async (tx) => {
        await accountsLock(tx);
        if ((await tx.row<{ n: number }>(countUsers))!.n > 0) return undefined;
        if (await tx.run('UPDATE admin_setup_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL', [at, tokenHash]) !== 1) return undefined;
        return tx.row<{ id: number }>(insertUser, [username, passwordHash, at, 'operator']);
      });
      return row && getAdminUser(row.id);
    },

    async getAdminSession(sidHash, now) {
      return (await db.row<{ data: string }>('SELECT data FROM admin_sessions WHERE sid_hash = $1 AND expires_at > $2', [sidHash, now]))?.data;
    },

    async saveAdminSession(sidHash, data, expiresAt) {
      await db.run(`INSERT INTO admin_sessions (sid_hash, data, expires_at) VALUES ($1, $2, $3)
        ON CONFLICT (sid_hash) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`, [sidHash, data, expiresAt]);
    },

    async touchAdminSession(sidHash, expiresAt) {
      await db.run('UPDATE admin_sessions SET expires_at = $1 WHERE sid_hash = $2', [expiresAt, sidHash]);
    },

    async deleteAdminSession(sidHash) {
      await db.run('DELETE FROM admin_sessions WHERE sid_hash = $1', [sidHash]);
    },

    async deleteExpiredAdminSessions(now) {
      return db.run('DELETE FROM admin_sessions WHERE expires_at <= $1', [now]);
    },
  };
}
