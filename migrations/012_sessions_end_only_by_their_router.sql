-- A device's live session ends only by its own router's report or logout, never by another login with the
-- same MAC: on a router that is not pinned anyone can claim a MAC, so migration 008's trigger let any guest
-- disconnect any other. An earlier session of the MAC now ends as 'replaced' only once its router has
-- stopped reporting it (report_due_at passed), at its last report; until then it counts as live.
DROP TRIGGER guest_sessions_replace;

ALTER TABLE guest_sessions ADD COLUMN report_due_at INTEGER; -- the router's next report is overdue after this

-- Live sessions of before: due three default check intervals after their last report.
UPDATE guest_sessions SET report_due_at = coalesce(last_counters_at, started_at) + 180000
WHERE started_at IS NOT NULL AND ended_at IS NULL;

CREATE TRIGGER guest_sessions_replace_silent AFTER UPDATE OF started_at ON guest_sessions
WHEN OLD.started_at IS NULL AND NEW.started_at IS NOT NULL AND NEW.client_mac IS NOT NULL
BEGIN
  UPDATE guest_sessions SET ended_at = coalesce(last_counters_at, started_at), end_reason = 'replaced'
  WHERE gateway_id = NEW.gateway_id AND client_mac = NEW.client_mac AND started_at IS NOT NULL AND ended_at IS NULL AND id != NEW.id
    AND report_due_at <= NEW.started_at;
END;
