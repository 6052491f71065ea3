import type { Site, SiteSettings, VenueStore } from '../types';
import type { Connection } from './connection';

interface SiteRow {
  id: number; name: string; website_url: string; timezone: string; session_minutes: number; remember_days: number;
  default_language: string; accent_color: string; logo_sha256: string | null; guest_page_previewed_at: number | null; created_at: number;
}

const siteColumns: Record<keyof SiteSettings, string> = {
  name: 'name', websiteUrl: 'website_url', timezone: 'timezone', sessionMinutes: 'session_minutes',
  rememberDays: 'remember_days', defaultLanguage: 'default_language', accentColor: 'accent_color',
};

function toSite(row: SiteRow): Site {
  return {
    id: row.id, name: row.name, websiteUrl: row.website_url, timezone: row.timezone, sessionMinutes: row.session_minutes,
    rememberDays: row.remember_days, defaultLanguage: row.default_language, accentColor: row.accent_color, logoSha256: row.logo_sha256,
    guestPagePreviewedAt: row.guest_page_previewed_at, createdAt: row.created_at,
  };
}

export function sqliteVenues({ db, cache }: Connection): VenueStore {
  const sql = {
    siteById: db.prepare<[number], SiteRow>('SELECT * FROM sites WHERE id = ?'),
    firstSite: db.prepare<[], SiteRow>('SELECT * FROM sites ORDER BY id LIMIT 1'),
    insertSite: db.prepare(`INSERT INTO sites (name, website_url, timezone, session_minutes, remember_days, default_language, accent_color, created_at)
      VALUES (@name, @websiteUrl, @timezone, @sessionMinutes, @rememberDays, @defaultLanguage, @accentColor, @createdAt)`),
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

    async createSite(settings, at) {
      const { lastInsertRowid } = sql.insertSite.run({ ...settings, createdAt: at });
      cache.forgetSites();
      return existingSite(Number(lastInsertRowid));
    },

    async updateSite(id, settings) {
      const keys = (Object.keys(settings) as (keyof SiteSettings)[]).filter((key) => settings[key] !== undefined);
      if (keys.length > 0) {
        // Column names come from the fixed map above, never from the caller.
        const assignments = keys.map((key) => `${siteColumns[key]} = @${key}`).join(', ');
        db.prepare(`UPDATE sites SET ${assignments} WHERE id = @id`).run({ ...settings, id });
        cache.forgetSites();
      }
      return existingSite(id);
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
