-- Venues, their terms, their routers and the evidence that guests accepted the terms.
-- Times are integer milliseconds since the epoch, UTC.

CREATE TABLE sites (
  id               INTEGER PRIMARY KEY,
  name             TEXT    NOT NULL,
  website_url      TEXT    NOT NULL,
  timezone         TEXT    NOT NULL DEFAULT 'UTC',
  session_minutes  INTEGER NOT NULL DEFAULT 240 CHECK (session_minutes > 0),
  remember_days    INTEGER NOT NULL DEFAULT 0 CHECK (remember_days >= 0),
  default_language TEXT    NOT NULL DEFAULT 'en',
  accent_color     TEXT    NOT NULL DEFAULT '#1f5f99',
  created_at       INTEGER NOT NULL
);

-- A publication is a release; each release has its text in one or more languages.
-- Rows are never updated: publishing again makes a new release.
CREATE TABLE terms_versions (
  id           INTEGER PRIMARY KEY,
  site_id      INTEGER NOT NULL REFERENCES sites(id),
  release      INTEGER NOT NULL,
  language     TEXT    NOT NULL,
  body         TEXT    NOT NULL,
  sha256       TEXT    NOT NULL,
  published_at INTEGER NOT NULL,
  UNIQUE (site_id, release, language)
);

CREATE TABLE gateways (
  id         TEXT    PRIMARY KEY,          -- the router's own id (WiFiDog gw_id) or one chosen for it
  site_id    INTEGER NOT NULL REFERENCES sites(id),
  type       TEXT    NOT NULL,
  name       TEXT    NOT NULL,
  settings   TEXT    NOT NULL DEFAULT '{}', -- JSON, meaning owned by the gateway's driver
  created_at INTEGER NOT NULL
);

CREATE TABLE acceptances (
  id               INTEGER PRIMARY KEY,
  accepted_at      INTEGER NOT NULL,
  -- the venue's local calendar at that moment, fixed at insert so statistics group on an index
  local_day        TEXT    NOT NULL,       -- YYYY-MM-DD
  local_hour       INTEGER NOT NULL,       -- 0..23
  local_weekday    INTEGER NOT NULL,       -- 1 = Monday .. 7 = Sunday
  site_id          INTEGER NOT NULL REFERENCES sites(id),
  gateway_id       TEXT    REFERENCES gateways(id) ON DELETE SET NULL,
  terms_version_id INTEGER NOT NULL REFERENCES terms_versions(id),
  device_id        TEXT,                   -- HMAC of the MAC: counts devices without keeping the MAC
  client_mac       TEXT,
  client_ip        TEXT,
  user_agent       TEXT,
  language         TEXT    NOT NULL,
  handoff          TEXT    NOT NULL        -- what was done to let the guest online
);
CREATE INDEX acceptances_site_day ON acceptances (site_id, local_day);
CREATE INDEX acceptances_device ON acceptances (device_id, accepted_at);
CREATE INDEX acceptances_time ON acceptances (accepted_at);
