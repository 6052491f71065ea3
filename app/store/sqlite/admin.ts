import { StoreConflictError } from '../../errors';
import type { AdminRole, AdminStore, AdminUser } from '../types';
import { isConstraintConflict, type Connection } from './connection';

interface AdminUserRow {
  id: number; username: string; role: AdminRole; password_hash: string; password_changed_at: number; created_at: number; last_sign_in_at: number | null;
  /** The granted venues' ids, comma-separated. */
  venue_ids: string | null;
}

function toAdminUser(row: AdminUserRow): AdminUser {
  return {
    id: row.id, username: row.username, role: row.role, venueIds: row.venue_ids ? row.venue_ids.split(',').map(Number) : [], passwordHash: row.password_hash, passwordChangedAt: row.password_changed_at, createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at,
  };
}

const selectUsers = `SELECT *, (SELECT group_concat(site_id) FROM (SELECT site_id FROM admin_venue_grants
  WHERE admin_user_id = admin_users.id ORDER BY site_id)) AS venue_ids FROM admin_users`;

export function sqliteAdmin({ db }: Connection): AdminStore {
  const sql = {
    countUsers: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM admin_users'),
    countOperators: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM admin_users WHERE role = 'operator'"),
    insertUser: db.prepare<[string, string, number, number, AdminRole]>(
      'INSERT INTO admin_users (username, password_hash, password_changed_at, created_at, role) VALUES (?, ?, ?, ?, ?)'),
    userById: db.prepare<[number], AdminUserRow>(`${selectUsers} WHERE id = ?`),
    userByName: db.prepare<[string], AdminUserRow>(`${selectUsers} WHERE username = ?`),
    setPassword: db.prepare<[string, number, number]>('UPDATE admin_users SET password_hash = ?, password_changed_at = ? WHERE id = ?'),
    setRole: db.prepare<[AdminRole, number]>('UPDATE admin_users SET role = ? WHERE id = ?'),
    grant: db.prepare<[number, number]>(`INSERT OR IGNORE INTO admin_venue_grants (admin_user_id, site_id)
      SELECT u.id, s.id FROM admin_users u, sites s WHERE u.id = ? AND s.id = ? AND s.removed_at IS NULL`),
    revoke: db.prepare<[number, number]>('DELETE FROM admin_venue_grants WHERE admin_user_id = ? AND site_id = ?'),
    users: db.prepare<[], AdminUserRow>(`${selectUsers} ORDER BY username`),
    deleteUser: db.prepare<[number]>('DELETE FROM admin_users WHERE id = ?'),
    deleteUserSessions: db.prepare<[number]>("DELETE FROM admin_sessions WHERE json_extract(data, '$.adminUserId') = ?"),
    recordSignIn: db.prepare<[number, number]>('UPDATE admin_users SET last_sign_in_at = ? WHERE id = ?'),
    // A few expired rows per attempt: the table holds at most one window's attempts, however many addresses try.
    pruneAttempts: db.prepare<[number]>(`DELETE FROM admin_sign_in_attempts
      WHERE rowid IN (SELECT rowid FROM admin_sign_in_attempts WHERE window_ends_at <= ? LIMIT 10)`),
    attempts: db.prepare<[string, string], { attempts: number; window_ends_at: number }>(
      'SELECT attempts, window_ends_at FROM admin_sign_in_attempts WHERE account = ? AND address = ?'),
    countAttempt: db.prepare<{ account: string; address: string; now: number; ends: number }>(`INSERT INTO admin_sign_in_attempts
      (account, address, attempts, window_ends_at) VALUES (@account, @address, 1, @ends)
      ON CONFLICT (account, address) DO UPDATE SET
        attempts = CASE WHEN window_ends_at <= @now THEN 1 ELSE attempts + 1 END,
        window_ends_at = CASE WHEN window_ends_at <= @now THEN @ends ELSE window_ends_at END`),
    forgetAttempts: db.prepare<[string, string]>('DELETE FROM admin_sign_in_attempts WHERE account = ? AND address = ?'),
    giveBackAttempt: db.prepare<[string]>("UPDATE admin_sign_in_attempts SET attempts = attempts - 1 WHERE account = '' AND address = ? AND attempts > 0"),
    clearAttempts: db.prepare<[string]>("DELETE FROM admin_sign_in_attempts WHERE account = ? AND account <> ''"),
    lockout: db.prepare<[string, number, number], { addresses: number; until: number | null }>(`SELECT count(*) AS addresses, max(window_ends_at) AS until
      FROM admin_sign_in_attempts WHERE account = ? AND account <> '' AND attempts >= ? AND window_ends_at > ?`),
    insertSetupToken: db.prepare<[string, number]>('INSERT INTO admin_setup_tokens (token_hash, created_at) VALUES (?, ?)'),
    setupTokenWorks: db.prepare<[string], { works: number }>(`SELECT EXISTS (SELECT 1 FROM admin_setup_tokens WHERE token_hash = ? AND used_at IS NULL)
      AND NOT EXISTS (SELECT 1 FROM admin_users) AS works`),
    deleteUnusedSetupTokens: db.prepare('DELETE FROM admin_setup_tokens WHERE used_at IS NULL'),
    useSetupToken: db.prepare<[number, string]>('UPDATE admin_setup_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL'),
    session: db.prepare<[string, number], { data: string }>('SELECT data FROM admin_sessions WHERE sid_hash = ? AND expires_at > ?'),
    saveSession: db.prepare<[string, string, number]>(`INSERT INTO admin_sessions (sid_hash, data, expires_at) VALUES (?, ?, ?)
      ON CONFLICT (sid_hash) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`),
    touchSession: db.prepare<[number, string]>('UPDATE admin_sessions SET expires_at = ? WHERE sid_hash = ?'),
    deleteSession: db.prepare<[string]>('DELETE FROM admin_sessions WHERE sid_hash = ?'),
    deleteExpiredSessions: db.prepare<[number]>('DELETE FROM admin_sessions WHERE expires_at <= ?'),
  };

  async function getAdminUser(id: number): Promise<AdminUser | undefined> {
    const row = sql.userById.get(id);
    return row && toAdminUser(row);
  }

  return {
    getAdminUser,

    async countAdminUsers() {
      return sql.countUsers.get()!.n;
    },

    async addAdminUser(username, passwordHash, at, access = { role: 'operator' }) {
      const add = db.transaction(() => {
        const id = Number(sql.insertUser.run(username, passwordHash, at, at, access.role).lastInsertRowid);
        for (const siteId of access.venueIds ?? []) sql.grant.run(id, siteId);
        return id;
      });
      let id: number;
      try {
        id = add.immediate();
      } catch (error) {
        if (isConstraintConflict(error)) throw new StoreConflictError(`admin "${username}" already exists`);
        throw error;
      }
      return (await getAdminUser(id))!;
    },

    async findAdminUser(username) {
      const row = sql.userByName.get(username);
      return row && toAdminUser(row);
    },

    async setAdminPassword(id, passwordHash, at) {
      sql.setPassword.run(passwordHash, at, id);
    },

    async listAdminUsers() {
      return sql.users.all().map(toAdminUser);
    },

    async removeAdminUser(id) {
      db.transaction(() => {
        if (sql.userById.get(id)?.role === 'operator' && sql.countOperators.get()!.n <= 1) {
          throw new StoreConflictError('this is the last operator; add another one first (portico admin add --operator)');
        }
        sql.deleteUserSessions.run(id);
        sql.deleteUser.run(id);
      }).immediate();
    },

    async setAdminRole(id, role) {
      db.transaction(() => {
        if (role === 'manager' && sql.userById.get(id)?.role === 'operator' && sql.countOperators.get()!.n <= 1) {
          throw new StoreConflictError('this is the last operator; make another account an operator first');
        }
        sql.setRole.run(role, id);
      }).immediate();
    },

    async grantVenue(userId, siteId) {
      return sql.grant.run(userId, siteId).changes === 1;
    },

    async revokeVenue(userId, siteId) {
      return sql.revoke.run(userId, siteId).changes === 1;
    },

    async reserveSignInAttempt(account, address, limits, now) {
      const reserve = db.transaction(() => {
        sql.pruneAttempts.run(now);
        let refusedUntil: number | null = null;
        for (const [key, limit] of [[account, limits.perAccountAndAddress], ['', limits.perAddress]] as const) {
          const row = sql.attempts.get(key, address);
          if (row && row.window_ends_at > now && row.attempts >= limit) refusedUntil = Math.max(refusedUntil ?? 0, row.window_ends_at);
        }
        if (refusedUntil !== null) return refusedUntil;
        for (const key of [account, '']) sql.countAttempt.run({ account: key, address, now, ends: now + limits.windowMs });
        return null;
      });
      return reserve.immediate();
    },

    async signInSucceeded(userId, account, address, at) {
      db.transaction(() => {
        sql.forgetAttempts.run(account, address);
        sql.giveBackAttempt.run(address);
        sql.recordSignIn.run(at, userId);
      }).immediate();
    },

    async clearSignInAttempts(account) {
      return sql.clearAttempts.run(account).changes;
    },

    async signInLockout(account, limits, now) {
      const row = sql.lockout.get(account, limits.perAccountAndAddress, now)!;
      return row.until === null ? undefined : { addresses: row.addresses, until: row.until };
    },

    async replaceSetupToken(tokenHash, at) {
      db.transaction(() => {
        sql.deleteUnusedSetupTokens.run();
        sql.insertSetupToken.run(tokenHash, at);
      }).immediate();
    },

    async setupTokenWorks(tokenHash) {
      return sql.setupTokenWorks.get(tokenHash)!.works === 1;
    },

    async createFirstAdmin(tokenHash, username, passwordHash, at) {
      const create = db.transaction(() => {
        if (sql.countUsers.get()!.n > 0) return undefined;
        if (sql.useSetupToken.run(at, tokenHash).changes !== 1) return undefined;
        return Number(sql.insertUser.run(username, passwordHash, at, at, 'operator').lastInsertRowid);
      });
      const id = create.immediate();
      return id === undefined ? undefined : getAdminUser(id);
    },

    async getAdminSession(sidHash, now) {
      return sql.session.get(sidHash, now)?.data;
    },

    async saveAdminSession(sidHash, data, expiresAt) {
      sql.saveSession.run(sidHash, data, expiresAt);
    },

    async touchAdminSession(sidHash, expiresAt) {
      sql.touchSession.run(expiresAt, sidHash);
    },

    async deleteAdminSession(sidHash) {
      sql.deleteSession.run(sidHash);
    },

    async deleteExpiredAdminSessions(now) {
      return sql.deleteExpiredSessions.run(now).changes;
    },
  };
}
