-- The sign-in lockout (issue 12), in the database so that `portico admin unlock` and `admin passwd`,
-- other processes than the server, can clear it. One row per account and address, and one per address
-- alone (account ''), each counting attempts in a window that ends at window_ends_at.
CREATE TABLE admin_sign_in_attempts (
  account        TEXT    NOT NULL,          -- the user name as typed, trimmed and lower-cased (known or not)
  address        TEXT    NOT NULL,          -- an IPv4 address or an IPv6 /64
  attempts       INTEGER NOT NULL,
  window_ends_at INTEGER NOT NULL,
  PRIMARY KEY (account, address)
);
CREATE INDEX admin_sign_in_attempts_window ON admin_sign_in_attempts (window_ends_at);

-- Shown by `portico admin list`; NULL for accounts that have not signed in since.
ALTER TABLE admin_users ADD COLUMN last_sign_in_at INTEGER;
