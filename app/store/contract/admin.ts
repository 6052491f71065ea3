/** An operator manages every venue and every account; a venue manager only the venues granted to them. */
export type AdminRole = 'operator' | 'manager';

export interface AdminUser {
  id: number;
  username: string;
  role: AdminRole;
  /** The venues granted to a manager, by id; empty for an operator (who has them all). */
  venueIds: number[];
  passwordHash: string;
  passwordChangedAt: number;
  createdAt: number;
  /** Null when the account has not signed in since Portico started recording it. */
  lastSignInAt: number | null;
}

/** The sign-in lockout: attempts allowed in each window (see app/admin/login-throttle.ts). */
export interface SignInLimits {
  /** For one account (a name, known or not) from one address. */
  perAccountAndAddress: number;
  /** From one address, whatever the names. */
  perAddress: number;
  windowMs: number;
}

/** Admin accounts, their sign-in attempts, the first-admin setup token and admin sessions. */
export interface AdminStore {
  countAdminUsers(): Promise<number>;
  /**
   * Throws StoreConflictError when the user name is taken (names compare without case). A manager is granted
   * `venueIds` in the same transaction.
   */
  addAdminUser(username: string, passwordHash: string, at: number, access?: { role: AdminRole; venueIds?: number[] }): Promise<AdminUser>;
  getAdminUser(id: number): Promise<AdminUser | undefined>;
  findAdminUser(username: string): Promise<AdminUser | undefined>;
  setAdminPassword(id: number, passwordHash: string, at: number): Promise<void>;
  /** Every admin account, by name. */
  listAdminUsers(): Promise<AdminUser[]>;
  /**
   * Deletes an admin account and its sessions, in one transaction; throws StoreConflictError for the
   * last operator (nobody would be left to manage the accounts).
   */
  removeAdminUser(id: number): Promise<void>;
  /**
   * Makes the account an operator, or a manager of the venues it is granted; throws StoreConflictError when
   * that would leave no operator.
   */
  setAdminRole(id: number, role: AdminRole): Promise<void>;
  /** Grants a manager a venue (not removed); false when it had it already or there is no such venue. */
  grantVenue(userId: number, siteId: number): Promise<boolean>;
  /** False when the account did not have it. */
  revokeVenue(userId: number, siteId: number): Promise<boolean>;
  /**
   * Counts a sign-in attempt of `account` from `address` against both limits before its password is
   * checked, in one transaction: null when it may go ahead (and is counted), else the time the limit
   * that refuses it ends (and nothing is counted).
   */
  reserveSignInAttempt(account: string, address: string, limits: SignInLimits, now: number): Promise<number | null>;
  /**
   * The attempt had the right password: forgets the account's attempts from that address, gives the
   * address its attempt back and records the user's sign-in.
   */
  signInSucceeded(userId: number, account: string, address: string, at: number): Promise<void>;
  /** Forgets an account's attempts from every address; the number of addresses it had attempts from. */
  clearSignInAttempts(account: string): Promise<number>;
  /** How many addresses the account is locked out from now, and until when; undefined when none. */
  signInLockout(account: string, limits: SignInLimits, now: number): Promise<{ addresses: number; until: number } | undefined>;
  /** Makes this the one setup token that works: every earlier unused one stops working, in one transaction. */
  replaceSetupToken(tokenHash: string, at: number): Promise<void>;
  /** Whether a setup token would still create the first admin (createFirstAdmin checks again, atomically). */
  setupTokenWorks(tokenHash: string): Promise<boolean>;
  /**
   * Creates the first admin, an operator, with an unused setup token, marking it used, in one transaction;
   * undefined when the token is unknown or used, or an admin exists already.
   */
  createFirstAdmin(tokenHash: string, username: string, passwordHash: string, at: number): Promise<AdminUser | undefined>;
  /** Session data (JSON, with `adminUserId`) by the SHA-256 of the session id, unless expired. */
  getAdminSession(sidHash: string, now: number): Promise<string | undefined>;
  /** Creates or replaces the session. */
  saveAdminSession(sidHash: string, data: string, expiresAt: number): Promise<void>;
  touchAdminSession(sidHash: string, expiresAt: number): Promise<void>;
  deleteAdminSession(sidHash: string): Promise<void>;
  deleteExpiredAdminSessions(now: number): Promise<number>;
}
