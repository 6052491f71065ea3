-- Guest sessions on routers that report them (WiFiDog), and each router's last report of itself.

ALTER TABLE gateways ADD COLUMN last_contact_at INTEGER;
ALTER TABLE gateways ADD COLUMN sys_uptime INTEGER;       -- seconds, as the router reports it
ALTER TABLE gateways ADD COLUMN sys_memfree INTEGER;      -- kB
ALTER TABLE gateways ADD COLUMN sys_load REAL;
ALTER TABLE gateways ADD COLUMN daemon_uptime INTEGER;    -- seconds the portal daemon has run (wifidog_uptime)

-- One row per login token; it becomes a session when the router confirms the login.
CREATE TABLE guest_sessions (
  id               INTEGER PRIMARY KEY,
  acceptance_id    INTEGER REFERENCES acceptances(id) ON DELETE SET NULL,
  site_id          INTEGER NOT NULL REFERENCES sites(id),
  gateway_id       TEXT    REFERENCES gateways(id) ON DELETE SET NULL,
  token_hash       TEXT    NOT NULL UNIQUE,  -- SHA-256 of the token: the token itself is never stored
  device_id        TEXT,
  client_mac       TEXT,
  client_ip        TEXT,
  token_expires_at INTEGER NOT NULL,         -- unused tokens die here
  started_at       INTEGER,                  -- router confirmed the login (stage=login answered Auth: 1)
  local_day        TEXT,                     -- venue-local day of started_at, YYYY-MM-DD
  last_counters_at INTEGER,
  bytes_in         INTEGER NOT NULL DEFAULT 0,
  bytes_out        INTEGER NOT NULL DEFAULT 0,
  ended_at         INTEGER,
  end_reason       TEXT                      -- 'logout', 'session_length', 'replaced'
);
CREATE INDEX guest_sessions_live ON guest_sessions (gateway_id, ended_at);
CREATE INDEX guest_sessions_site_day ON guest_sessions (site_id, local_day);
CREATE INDEX guest_sessions_ip ON guest_sessions (client_ip, ended_at);
