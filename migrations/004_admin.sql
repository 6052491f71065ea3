-- The venue owner's admin: accounts, the one-time setup link, sign-in sessions, the venue logo.

CREATE TABLE admin_users (
  id                  INTEGER PRIMARY KEY,
  username            TEXT    NOT NULL UNIQUE COLLATE NOCASE,
  password_hash       TEXT    NOT NULL,      -- scrypt$N$r$p$salt$key, salt per user
  password_changed_at INTEGER NOT NULL,      -- sessions signed in before this are no longer valid
  created_at          INTEGER NOT NULL
);

-- The first-run setup link: only the SHA-256 of its token is kept.
CREATE TABLE admin_setup_tokens (
  token_hash TEXT    PRIMARY KEY,
  created_at INTEGER NOT NULL,
  used_at    INTEGER
);

-- express-session's store; sid_hash is the SHA-256 of the session id, so a copy of the database signs nobody in.
CREATE TABLE admin_sessions (
  sid_hash   TEXT    PRIMARY KEY,
  data       TEXT    NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX admin_sessions_expiry ON admin_sessions (expires_at);

-- The venue's logo as served (already resized), addressed by its SHA-256 so its URL changes with it.
CREATE TABLE logos (
  sha256     TEXT    PRIMARY KEY,
  image      BLOB    NOT NULL,
  created_at INTEGER NOT NULL
);
ALTER TABLE sites ADD COLUMN logo_sha256 TEXT REFERENCES logos(sha256);
