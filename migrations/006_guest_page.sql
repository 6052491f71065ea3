-- The captive-portal API (RFC 8908) asks "is this address online?" on every probe:
-- find an address's recent acceptances without scanning the table.
CREATE INDEX acceptances_ip ON acceptances (client_ip, accepted_at);
