-- The captive-portal API (RFC 8908) and /portal ask "is this address online?" on every probe. Each
-- answer now reads at most one row per index, however many acceptances or sessions an address piles up
-- (before: each of the address's acceptances checked every session of the address, 5,000 → 1.9 s a call).

-- The address's newest live session, at the top of its range.
CREATE INDEX guest_sessions_ip_live ON guest_sessions (client_ip, site_id, started_at) WHERE ended_at IS NULL AND started_at IS NOT NULL;
-- Whether an acceptance has a session: one seek.
CREATE INDEX guest_sessions_acceptance ON guest_sessions (acceptance_id, client_ip);
-- The address's newest acceptance at this venue, at the top of its range; replaces acceptances_ip (006).
CREATE INDEX acceptances_ip_site ON acceptances (client_ip, site_id, accepted_at);
DROP INDEX acceptances_ip;
-- Nothing reads guest_sessions by address and end any more (002); kept, it would only cost every write.
DROP INDEX guest_sessions_ip;
