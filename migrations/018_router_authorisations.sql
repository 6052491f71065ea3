-- Whether the router's description of the guest (MAC, IP, where to hand on) could have been written by
-- anyone: openNDS at fas_secure_enabled 1 sends it in plain base64. Shown in the acceptances export.
ALTER TABLE acceptances ADD COLUMN router_unauthenticated INTEGER NOT NULL DEFAULT 0;

-- Authorisations waiting for a router that polls for them (openNDS level 3's authmon): one line per guest
-- who accepted, offered at each poll until the router acknowledges it, clears its queue, or offer_until
-- passes. auth_key is the router's own key for the guest (openNDS's rhid), unique on that router.
CREATE TABLE router_authorisations (
  gateway_id   TEXT NOT NULL,
  auth_key     TEXT NOT NULL,
  entry        TEXT NOT NULL,
  queued_at    INTEGER NOT NULL,
  offer_until  INTEGER NOT NULL,
  PRIMARY KEY (gateway_id, auth_key)
) WITHOUT ROWID;
