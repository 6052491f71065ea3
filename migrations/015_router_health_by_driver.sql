-- What a router reports about itself is its driver's: one JSON object of numbers, with the names the driver
-- gives them (WiFiDog: sysUptime, sysMemfree, sysLoad, daemonUptime), in place of WiFiDog's four columns (002).
-- json_patch drops the members that are null: a figure the router did not send stays absent.
ALTER TABLE gateways ADD COLUMN health TEXT;
UPDATE gateways SET health = json_patch('{}', json_object('sysUptime', sys_uptime, 'sysMemfree', sys_memfree, 'sysLoad', sys_load,
  'daemonUptime', daemon_uptime))
WHERE last_contact_at IS NOT NULL;
ALTER TABLE gateways DROP COLUMN sys_uptime;
ALTER TABLE gateways DROP COLUMN sys_memfree;
ALTER TABLE gateways DROP COLUMN sys_load;
ALTER TABLE gateways DROP COLUMN daemon_uptime;
