-- One-time RADIUS logins (pfSense in RADIUS mode, CoovaChilli): issued when a guest accepts, for one
-- router and the MAC and IP it reported; the password is derived from the user name with the
-- installation's key, so none is stored. Accepted once; after that only the session it opened
-- (session_key, the router's Acct-Session-Id) may re-authenticate with it.
CREATE TABLE radius_credentials (
  username       TEXT PRIMARY KEY,
  gateway_id     TEXT NOT NULL,
  acceptance_id  INTEGER NOT NULL REFERENCES acceptances(id),
  site_id        INTEGER NOT NULL REFERENCES sites(id),
  client_mac     TEXT,
  client_ip      TEXT NOT NULL,
  language       TEXT NOT NULL,           -- the guest's, for a Reject's Reply-Message
  issued_at      INTEGER NOT NULL,
  use_by         INTEGER NOT NULL,
  accepted_at    INTEGER,
  session_key    TEXT
) WITHOUT ROWID;
CREATE INDEX radius_credentials_issued ON radius_credentials (issued_at);
CREATE INDEX radius_credentials_mac ON radius_credentials (client_mac);
