-- The captive-portal API (RFC 8908) and /portal ask "is this address online?" on every probe. Each
-- answer now reads at most one row per index, however many acceptances or sessions an address piles up
-- (before: each of the address's acceptances checked every session of the address, 5,000 → 1.9 s a call).

-- The address's live session whose router reported it latest (012's report_due_at), at the top of its
-- range: sessions whose router went silent are never walked one by one.
CREATE INDEX guest_sessions_ip_live ON guest_sessions (client_ip, site_id, report_due_at) WHERE ended_at IS NULL AND started_at IS NOT NULL;
-- Whether an acceptance has a session: one seek.
CREATE INDEX guest_sessions_acceptance ON guest_sessions (acceptance_id, client_ip);
-- The address's newest acceptance at this venue, at the top of its range; replaces acceptances_ip (006).
CREATE INDEX acceptances_ip_site ON acceptances (client_ip, site_id, accepted_at);
DROP INDEX acceptances_ip;
-- Nothing reads guest_sessions by address and end any more (002); kept, it would only cost every write.
DROP INDEX guest_sessions_ip;

-- Each rendered terms page carries a random nonce in its signed state (app/guest/state.ts). Stored with the
-- acceptance and unique, it makes a page accepted once: a repeat POST, or the loser of two racing ones,
-- finds the acceptance already made and gets its handoff again, never a second row or login token.
-- Acceptances made before have none (NULLs never conflict).
ALTER TABLE acceptances ADD COLUMN state_nonce TEXT;
CREATE UNIQUE INDEX acceptances_state_nonce ON acceptances (state_nonce);

-- A returning device's acceptance of the current release (WiFiDog login with remember_days): the top of
-- the device's range for each of the release's languages. Replaces acceptances_device (001), whose other
-- readers (a device's records, forgetting it) need only device_id in front.
CREATE INDEX acceptances_device_terms ON acceptances (device_id, terms_version_id, accepted_at);
DROP INDEX acceptances_device;
