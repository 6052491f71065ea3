-- Devices counted per venue-local day, by the day each was seen before ('' = never: a new device) and by
-- whether its MAC is randomised (1, 0; -1 = no MAC). A period's device figures then read a few rows per
-- day instead of one device_days row per device and day (at 1 M acceptances, 22 ms → about 1 ms).
-- A device_days row never changes its day, scope, prev_day or mac_randomised once written (INSERT OR
-- IGNORE; the privacy purge only re-keys device_id), so these counts never need correcting.
CREATE TABLE device_day_counts (
  site_id        INTEGER NOT NULL,
  scope          TEXT    NOT NULL,
  local_day      TEXT    NOT NULL,
  prev_day       TEXT    NOT NULL,
  mac_randomised INTEGER NOT NULL,
  devices        INTEGER NOT NULL,
  PRIMARY KEY (site_id, scope, local_day, prev_day, mac_randomised)
) WITHOUT ROWID;

CREATE TRIGGER device_days_counted AFTER INSERT ON device_days
BEGIN
  INSERT INTO device_day_counts (site_id, scope, local_day, prev_day, mac_randomised, devices)
  VALUES (NEW.site_id, NEW.scope, NEW.local_day, coalesce(NEW.prev_day, ''), coalesce(NEW.mac_randomised, -1), 1)
  ON CONFLICT DO UPDATE SET devices = devices + 1;
END;

INSERT INTO device_day_counts (site_id, scope, local_day, prev_day, mac_randomised, devices)
SELECT site_id, scope, local_day, coalesce(prev_day, ''), coalesce(mac_randomised, -1), count(*)
FROM device_days GROUP BY 1, 2, 3, 4, 5;

-- Only the statistics read device_days by day, and they now read the counts.
DROP INDEX device_days_period;
