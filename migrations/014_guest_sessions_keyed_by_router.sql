-- A guest session is offered for an acceptance on a router under a key the router's driver chooses,
-- unique on that router (WiFiDog: the SHA-256 of its login token; a RADIUS router: its accounting
-- session id), and found by (router, key). It was a WiFiDog token: token_hash, unique across all routers,
-- and token_expires_at, now start_by. SQLite keeps a column's UNIQUE for good, so the table is rebuilt.
--
-- What this table's triggers did (005 guest_sessions_seen, 012 guest_sessions_replace_silent), and the
-- acceptance roll-ups (010 acceptances_roll_up, 009 device_days_counted), is now done by the store's own
-- statements in the transaction that writes the row (app/store/sqlite/roll-ups.ts, guest-sessions.ts), as
-- any other database's store does it; test/store/contract/ pins that behaviour.
CREATE TABLE guest_sessions_keyed (
  id               INTEGER PRIMARY KEY,
  acceptance_id    INTEGER REFERENCES acceptances(id) ON DELETE SET NULL,
  site_id          INTEGER NOT NULL REFERENCES sites(id),
  gateway_id       TEXT    REFERENCES gateways(id) ON DELETE SET NULL,
  session_key      TEXT    NOT NULL,         -- the driver's, unique on its router; never a secret in clear
  device_id        TEXT,
  client_mac       TEXT,
  client_ip        TEXT,
  start_by         INTEGER NOT NULL,         -- an offered session its router has not started by then never starts
  started_at       INTEGER,                  -- the router started it
  local_day        TEXT,                     -- venue-local day of started_at, YYYY-MM-DD
  last_counters_at INTEGER,
  bytes_in         INTEGER NOT NULL DEFAULT 0,
  bytes_out        INTEGER NOT NULL DEFAULT 0,
  ended_at         INTEGER,
  end_reason       TEXT,                     -- 'logout', 'session_length', 'replaced'
  report_due_at    INTEGER,                  -- the router's next report is overdue after this
  UNIQUE (gateway_id, session_key)
);

INSERT INTO guest_sessions_keyed (id, acceptance_id, site_id, gateway_id, session_key, device_id, client_mac, client_ip, start_by,
  started_at, local_day, last_counters_at, bytes_in, bytes_out, ended_at, end_reason, report_due_at)
SELECT id, acceptance_id, site_id, gateway_id, token_hash, device_id, client_mac, client_ip, token_expires_at,
  started_at, local_day, last_counters_at, bytes_in, bytes_out, ended_at, end_reason, report_due_at
FROM guest_sessions;

-- Its triggers and indexes go with it; the indexes are made again as they were (002, 005, 007, 013).
DROP TABLE guest_sessions;
ALTER TABLE guest_sessions_keyed RENAME TO guest_sessions;
CREATE INDEX guest_sessions_live ON guest_sessions (gateway_id, ended_at);
CREATE INDEX guest_sessions_site_day ON guest_sessions (site_id, local_day);
CREATE INDEX guest_sessions_device_live ON guest_sessions (gateway_id, client_mac) WHERE ended_at IS NULL;
CREATE INDEX guest_sessions_site_day_figures ON guest_sessions (site_id, local_day, gateway_id, started_at, ended_at, bytes_in, bytes_out);
CREATE INDEX guest_sessions_ip_live ON guest_sessions (client_ip, site_id, report_due_at) WHERE ended_at IS NULL AND started_at IS NOT NULL;
CREATE INDEX guest_sessions_acceptance ON guest_sessions (acceptance_id, client_ip);

DROP TRIGGER acceptances_roll_up;
DROP TRIGGER device_days_counted;
