-- Many venues in one installation. A venue has a slug for the command line (--venue <slug>): the existing
-- venue gets 'main', as a new installation's first venue does (`portico venue rename` changes it). A removed venue keeps its row, terms and
-- acceptances as evidence: it is only hidden, and its slug is free again.
ALTER TABLE sites ADD COLUMN slug TEXT;
ALTER TABLE sites ADD COLUMN removed_at INTEGER;
UPDATE sites SET slug = CASE WHEN id = (SELECT min(id) FROM sites) THEN 'main' ELSE 'venue-' || id END;
CREATE UNIQUE INDEX sites_slug ON sites (slug) WHERE removed_at IS NULL;

-- An operator manages every venue and every account; a venue manager only the venues granted to them.
-- The accounts of an installation made before venues existed were its owners: they become operators.
ALTER TABLE admin_users ADD COLUMN role TEXT NOT NULL DEFAULT 'operator' CHECK (role IN ('operator', 'manager'));
CREATE TABLE admin_venue_grants (
  admin_user_id INTEGER NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE,
  site_id       INTEGER NOT NULL REFERENCES sites(id),
  PRIMARY KEY (admin_user_id, site_id)
) WITHOUT ROWID;
CREATE INDEX admin_venue_grants_site ON admin_venue_grants (site_id);

-- Every venue-scoped table carries its venue (docs/architecture.md): the openNDS queue did not.
ALTER TABLE router_authorisations ADD COLUMN site_id INTEGER NOT NULL DEFAULT 0;
UPDATE router_authorisations SET site_id = coalesce((SELECT site_id FROM gateways WHERE gateways.id = router_authorisations.gateway_id), 0);
