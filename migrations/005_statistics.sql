-- Statistics (issue 4). Everything the dashboard counts is fixed at insert, so that
-- (a) the daily privacy purge (issue 6) can blank client_mac, client_ip and user_agent without
--     changing any figure, and
-- (b) a 30-day view reads roll-up rows, never the whole acceptances table.

-- Derived at insert from the user agent and the MAC, by the store (app/device-family.ts, app/random-mac.ts).
ALTER TABLE acceptances ADD COLUMN device_family TEXT NOT NULL DEFAULT 'other'; -- ios, android, windows, macos, other
ALTER TABLE acceptances ADD COLUMN mac_randomised INTEGER;                       -- 1 = locally administered MAC, NULL = no MAC

-- Acceptances counted per venue-local day and hour and per breakdown; '' stands for "no router"
-- so that the key has no NULL and the upsert below always finds its row.
CREATE TABLE acceptance_counts (
  site_id          INTEGER NOT NULL,
  local_day        TEXT    NOT NULL,
  gateway_id       TEXT    NOT NULL,
  local_hour       INTEGER NOT NULL,
  local_weekday    INTEGER NOT NULL,
  terms_version_id INTEGER NOT NULL,
  language         TEXT    NOT NULL,
  device_family    TEXT    NOT NULL,
  acceptances      INTEGER NOT NULL,
  PRIMARY KEY (site_id, local_day, gateway_id, local_hour, terms_version_id, language, device_family)
) WITHOUT ROWID;

-- One row per device and venue-local day it was seen (accepted, or went online as a remembered device,
-- see guest_sessions_seen below), for the whole venue (scope '*') and for the
-- router it came through (scope = gateway id; router ids never contain '*').
-- prev_day is the device's previous day in the same scope, NULL on its first day ever, so:
--   new devices on a day       = rows of that day with prev_day IS NULL
--   unique devices in [from,to] = rows in the period with prev_day IS NULL OR prev_day < from
--   (each device's first row in the period) — a range scan, no DISTINCT over the period.
-- Acceptances arrive in time order (recorded at "now"), so a new day is always the device's latest.
CREATE TABLE device_days (
  site_id        INTEGER NOT NULL,
  scope          TEXT    NOT NULL,
  device_id      TEXT    NOT NULL,
  local_day      TEXT    NOT NULL,
  prev_day       TEXT,
  mac_randomised INTEGER,
  PRIMARY KEY (site_id, scope, device_id, local_day)
) WITHOUT ROWID;
CREATE INDEX device_days_period ON device_days (site_id, scope, local_day, prev_day, mac_randomised);

CREATE TRIGGER acceptances_roll_up AFTER INSERT ON acceptances
BEGIN
  INSERT INTO acceptance_counts (site_id, local_day, gateway_id, local_hour, local_weekday, terms_version_id, language, device_family, acceptances)
  VALUES (NEW.site_id, NEW.local_day, coalesce(NEW.gateway_id, ''), NEW.local_hour, NEW.local_weekday, NEW.terms_version_id,
    NEW.language, NEW.device_family, 1)
  ON CONFLICT DO UPDATE SET acceptances = acceptances + 1;

  INSERT OR IGNORE INTO device_days (site_id, scope, device_id, local_day, prev_day, mac_randomised)
  SELECT NEW.site_id, scope.name, NEW.device_id, NEW.local_day,
    (SELECT max(d.local_day) FROM device_days d
      WHERE d.site_id = NEW.site_id AND d.scope = scope.name AND d.device_id = NEW.device_id AND d.local_day < NEW.local_day),
    NEW.mac_randomised
  FROM (SELECT '*' AS name UNION ALL SELECT NEW.gateway_id WHERE NEW.gateway_id IS NOT NULL) AS scope
  WHERE NEW.device_id IS NOT NULL;
END;

-- A remembered device (remember_days) goes online through a WiFiDog session without a new acceptance:
-- it was seen that day all the same. Sessions start by an UPDATE that sets started_at and local_day
-- (SqliteStore.startGuestSession); the device's MAC flag is that of the acceptance the session rests on.
CREATE TRIGGER guest_sessions_seen AFTER UPDATE OF started_at ON guest_sessions
WHEN OLD.started_at IS NULL AND NEW.started_at IS NOT NULL AND NEW.device_id IS NOT NULL AND NEW.local_day IS NOT NULL
BEGIN
  INSERT OR IGNORE INTO device_days (site_id, scope, device_id, local_day, prev_day, mac_randomised)
  SELECT NEW.site_id, scope.name, NEW.device_id, NEW.local_day,
    (SELECT max(d.local_day) FROM device_days d
      WHERE d.site_id = NEW.site_id AND d.scope = scope.name AND d.device_id = NEW.device_id AND d.local_day < NEW.local_day),
    (SELECT a.mac_randomised FROM acceptances a WHERE a.id = NEW.acceptance_id)
  FROM (SELECT '*' AS name UNION ALL SELECT NEW.gateway_id WHERE NEW.gateway_id IS NOT NULL) AS scope;
END;

-- Acceptances recorded before this migration: counted with the family 'other' and no MAC flag.
INSERT INTO acceptance_counts (site_id, local_day, gateway_id, local_hour, local_weekday, terms_version_id, language, device_family, acceptances)
SELECT site_id, local_day, coalesce(gateway_id, ''), local_hour, local_weekday, terms_version_id, language, device_family, count(*)
FROM acceptances GROUP BY site_id, local_day, coalesce(gateway_id, ''), local_hour, terms_version_id, language, device_family;

INSERT INTO device_days (site_id, scope, device_id, local_day, prev_day, mac_randomised)
SELECT site_id, scope, device_id, local_day,
  lag(local_day) OVER (PARTITION BY site_id, scope, device_id ORDER BY local_day), NULL
FROM (
  SELECT DISTINCT site_id, '*' AS scope, device_id, local_day FROM acceptances WHERE device_id IS NOT NULL
  UNION
  SELECT DISTINCT site_id, gateway_id, device_id, local_day FROM acceptances WHERE device_id IS NOT NULL AND gateway_id IS NOT NULL
);

-- Sessions of a period with their length and data, read from the index alone.
CREATE INDEX guest_sessions_site_day_figures ON guest_sessions (site_id, local_day, gateway_id, started_at, ended_at, bytes_in, bytes_out);
