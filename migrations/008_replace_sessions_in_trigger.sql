-- A device has one live session per router: starting one ends the device's earlier one within the same
-- statement, so that stage=login is one UPDATE … RETURNING (it was a second UPDATE in a savepoint).
CREATE TRIGGER guest_sessions_replace AFTER UPDATE OF started_at ON guest_sessions
WHEN OLD.started_at IS NULL AND NEW.started_at IS NOT NULL AND NEW.client_mac IS NOT NULL
BEGIN
  UPDATE guest_sessions SET ended_at = NEW.started_at, end_reason = 'replaced'
  WHERE gateway_id = NEW.gateway_id AND client_mac = NEW.client_mac AND started_at IS NOT NULL AND ended_at IS NULL AND id != NEW.id;
END;
