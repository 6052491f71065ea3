import { StoreConflictError } from '../../errors';
import { siteColumns, toSite, type SiteRow } from '../rows';
import type { Site, VenueStore } from '../types';
import { isConstraintConflict, type Connection } from './connection';

export function sqliteVenues({ db, cache }: Connection): VenueStore {
  const sql = {
    siteById: db.prepare<[number], SiteRow>('SELECT * FROM sites WHERE id = ?'),
    firstSite: db.prepare<[], SiteRow>('SELECT * FROM sites WHERE removed_at IS NULL ORDER BY id LIMIT 1'),
    sites: db.prepare<[], SiteRow>('SELECT * FROM sites WHERE removed_at IS NULL ORDER BY name, id'),
    siteBySlug: db.prepare<[string], SiteRow>('SELECT * FROM sites WHERE slug = ? AND removed_at IS NULL'),
    insertSite: db.prepare(`INSERT INTO sites (slug, name, website_url, timezone, session_minutes, remember_days, default_language, accent_color, created_at)
      VALUES (@slug, @name, @websiteUrl, @timezone, @sessionMinutes, @rememberDays, @defaultLanguage, @accentColor, @createdAt)`),
    removeSite: db.prepare<[number, number]>('UPDATE sites SET removed_at = ? WHERE id = ? AND removed_at IS NULL'),
    deleteSiteGateways: db.prepare<[number]>('DELETE FROM gateways WHERE site_id = ?'),
    deleteSiteGrants: db.prepare<[number]>('DELETE FROM admin_venue_grants WHERE site_id = ?'),
    insertLogo: db.prepare<[string, Buffer, number]>('INSERT OR IGNORE INTO logos (sha256, image, created_at) VALUES (?, ?, ?)'),
    setSiteLogo: db.prepare<[string | null, number]>('UPDATE sites SET logo_sha256 = ? WHERE id = ?'),
    deleteUnusedLogos: db.prepare('DELETE FROM logos WHERE sha256 NOT IN (SELECT logo_sha256 FROM sites WHERE logo_sha256 IS NOT NULL)'),
    notePreviewed: db.prepare<[number, number]>('UPDATE sites SET guest_page_previewed_at = ? WHERE id = ? AND guest_page_previewed_at IS NULL'),
    logo: db.prepare<[string], { image: Buffer }>('SELECT image FROM logos WHERE sha256 = ?'),
  };

  async function getSite(id: number): Promise<Site | undefined> {
    return cache.get(cache.sites, id, () => {
      const row = sql.siteById.get(id);
      return row && toSite(row);
    });
  }

  function withSlugConflict<T>(slug: string | undefined, write: () => T): T {
    try {
      return write();
    } catch (error) {
      if (isConstraintConflict(error)) throw new StoreConflictError(`a venue has the slug "${slug}" already`);
      throw error;
    }
  }

  async function existingSite(id: number): Promise<Site> {
    const site = await getSite(id);
    if (!site) throw new Error(`no site ${id}`);
    return site;
  }

  return {
    getSite,

    async getDefaultSite() {
      const row = sql.firstSite.get();
      return row && toSite(row);
    },

    async listSites() {
      return sql.sites.all().map(toSite);
    },

    async findSiteBySlug(slug) {
      const row = sql.siteBySlug.get(slug);
      return row && toSite(row);
    },

    async createSite(settings, at) {
      const { lastInsertRowid } = withSlugConflict(settings.slug, () => sql.insertSite.run({ ...settings, createdAt: at }));
      cache.forgetSites();
      return existingSite(Number(lastInsertRowid));
    },

    async updateSite(id, settings) {
      const keys = (Object.keys(siteColumns) as (keyof typeof siteColumns)[]).filter((key) => settings[key] !== undefined);
      if (keys.length > 0) {
        // Column names come from the fixed map above, never from the caller.
        const assignments = keys.map((key) => `${siteColumns[key]} = @${key}`).join(', ');
        const values = Object.fromEntries(keys.map((key) => [key, settings[key]]));
        withSlugConflict(settings.slug, () => db.prepare(`UPDATE sites SET ${assignments} WHERE id = @id`).run({ ...values, id }));
        cache.forgetSites();
      }
      return existingSite(id);
    },

    async removeSite(id, at) {
      const removed = db.transaction(() => {
        if (sql.removeSite.run(at, id).changes === 0) return false;
        sql.deleteSiteGateways.run(id);
        sql.deleteSiteGrants.run(id);
        return true;
      }).immediate();
      cache.forgetSites();
      cache.gateways.clear();
      return removed;
    },

    async setLogo(siteId, { png, sha256 }, at) {
      db.transaction(() => {
        sql.insertLogo.run(sha256, png, at);
        sql.setSiteLogo.run(sha256, siteId);
        sql.deleteUnusedLogos.run();
      }).immediate();
      cache.forgetSites();
      return existingSite(siteId);
    },

    async removeLogo(siteId) {
      db.transaction(() => {
        sql.setSiteLogo.run(null, siteId);
        sql.deleteUnusedLogos.run();
      }).immediate();
      cache.forgetSites();
      return existingSite(siteId);
    },

    async noteGuestPagePreviewed(siteId, at) {
      if (sql.notePreviewed.run(at, siteId).changes > 0) cache.forgetSites();
      return existingSite(siteId);
    },

    async getLogo(sha256) {
      return sql.logo.get(sha256)?.image;
    },
  };
}
