import { StoreConflictError } from '../../errors';
import { siteColumns, toSite, type SiteRow } from '../rows';
import type { Site, VenueStore } from '../types';
import { isUniqueViolation, lock, type Connection } from './connection';

export function postgresVenues({ db, transaction, cache }: Connection): VenueStore {
  async function getSite(id: number): Promise<Site | undefined> {
    return cache.get(cache.sites, id, async () => {
      const row = await db.row<SiteRow>('SELECT * FROM sites WHERE id = $1', [id]);
      return row && toSite(row);
    });
  }

  async function withSlugConflict<T>(slug: string | undefined, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) throw new StoreConflictError(`a venue has the slug "${slug}" already`);
      throw error;
    }
  }

  async function existingSite(id: number): Promise<Site> {
    const site = await getSite(id);
    if (!site) throw new Error(`no site ${id}`);
    return site;
  }

  // Logos are shared by content: changes of them take one lock, so that one venue's clean-up never
  // deletes the logo another venue is being given at the same moment on another instance.
  async function changeLogo(siteId: number, work: (tx: Parameters<Parameters<Connection['transaction']>[0]>[0]) => Promise<void>): Promise<Site> {
    await transaction(async (tx) => {
      await lock(tx, 'logos');
      await work(tx);
      await tx.run('DELETE FROM logos WHERE sha256 NOT IN (SELECT logo_sha256 FROM sites WHERE logo_sha256 IS NOT NULL)');
    });
    cache.forgetSites();
    return existingSite(siteId);
  }

  return {
    getSite,

    async getDefaultSite() {
      const row = await db.row<SiteRow>('SELECT * FROM sites WHERE removed_at IS NULL ORDER BY id LIMIT 1');
      return row && toSite(row);
    },

    async listSites() {
      return (await db.rows<SiteRow>('SELECT * FROM sites WHERE removed_at IS NULL ORDER BY name COLLATE "C", id')).map(toSite);
    },

    async findSiteBySlug(slug) {
      const row = await db.row<SiteRow>('SELECT * FROM sites WHERE slug = $1 AND removed_at IS NULL', [slug]);
      return row && toSite(row);
    },

    async createSite(settings, at) {
      const row = (await withSlugConflict(settings.slug, () => db.row<{ id: number }>(`INSERT INTO sites
          (slug, name, website_url, timezone, session_minutes, remember_days, default_language, accent_color, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [settings.slug, settings.name, settings.websiteUrl, settings.timezone, settings.sessionMinutes, settings.rememberDays, settings.defaultLanguage,
        settings.accentColor, at])))!;
      cache.forgetSites();
      return existingSite(row.id);
    },

    async updateSite(id, settings) {
      const keys = (Object.keys(siteColumns) as (keyof typeof siteColumns)[]).filter((key) => settings[key] !== undefined);
      if (keys.length > 0) {
        // Column names come from the fixed map above, never from the caller.
        const assignments = keys.map((key, i) => `${siteColumns[key]} = $${i + 2}`).join(', ');
        await withSlugConflict(settings.slug, () => db.run(`UPDATE sites SET ${assignments} WHERE id = $1`, [id, ...keys.map((key) => settings[key])]));
        cache.forgetSites();
      }
      return existingSite(id);
    },

    async removeSite(id, at) {
      const removed = await transaction(async (tx) => {
        // The venue's row lock, taken by this update, makes a grant of the venue on another instance wait, then see it removed.
        if (await tx.run('UPDATE sites SET removed_at = $1 WHERE id = $2 AND removed_at IS NULL', [at, id]) === 0) return false;
        await tx.run('DELETE FROM gateways WHERE site_id = $1', [id]);
        await tx.run('DELETE FROM admin_venue_grants WHERE site_id = $1', [id]);
        return true;
      });
      cache.forgetSites();
      cache.forgetGateways();
      return removed;
    },

    async setLogo(siteId, { png, sha256 }, at) {
      return changeLogo(siteId, async (tx) => {
        await tx.run('INSERT INTO logos (sha256, image, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [sha256, png, at]);
        await tx.run('UPDATE sites SET logo_sha256 = $1 WHERE id = $2', [sha256, siteId]);
      });
    },

    async removeLogo(siteId) {
      return changeLogo(siteId, async (tx) => {
        await tx.run('UPDATE sites SET logo_sha256 = NULL WHERE id = $1', [siteId]);
      });
    },

    async noteGuestPagePreviewed(siteId, at) {
      if (await db.run('UPDATE sites SET guest_page_previewed_at = $1 WHERE id = $2 AND guest_page_previewed_at IS NULL', [at, siteId]) > 0) {
        cache.forgetSites();
      }
      return existingSite(siteId);
    },

    async getLogo(sha256) {
      return (await db.row<{ image: Buffer }>('SELECT image FROM logos WHERE sha256 = $1', [sha256]))?.image;
    },
  };
}
