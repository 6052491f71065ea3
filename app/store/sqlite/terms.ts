import type { TermsStore, TermsVersion } from '../types';
import type { Connection } from './connection';

interface TermsRow { id: number; site_id: number; release: number; language: string; body: string; sha256: string; published_at: number }

function toTerms(row: TermsRow): TermsVersion {
  return {
    id: row.id, siteId: row.site_id, release: row.release, language: row.language, body: row.body, sha256: row.sha256,
    publishedAt: row.published_at,
  };
}

export function sqliteTerms({ db, cache }: Connection): TermsStore {
  const sql = {
    latestRelease: db.prepare<[number], { release: number | null }>('SELECT max(release) AS release FROM terms_versions WHERE site_id = ?'),
    insertTerms: db.prepare(`INSERT INTO terms_versions (site_id, release, language, body, sha256, published_at)
      VALUES (@siteId, @release, @language, @body, @sha256, @publishedAt)`),
    // The newest release, preferring the asked language, then the site's default, then any.
    currentTerms: db.prepare<{ siteId: number; language: string }, TermsRow>(`
      SELECT t.* FROM terms_versions t JOIN sites s ON s.id = t.site_id
      WHERE t.site_id = @siteId AND t.release = (SELECT max(release) FROM terms_versions WHERE site_id = @siteId)
      ORDER BY t.language = @language DESC, t.language = s.default_language DESC, t.id LIMIT 1`),
    termsById: db.prepare<[number], TermsRow>('SELECT * FROM terms_versions WHERE id = ?'),
    currentRelease: db.prepare<{ siteId: number }, TermsRow>(`SELECT * FROM terms_versions
      WHERE site_id = @siteId AND release = (SELECT max(release) FROM terms_versions WHERE site_id = @siteId) ORDER BY language`),
    listTerms: db.prepare<[number], TermsRow & { acceptances: number }>(`
      SELECT t.*, (SELECT count(*) FROM acceptances a WHERE a.terms_version_id = t.id) AS acceptances
      FROM terms_versions t WHERE t.site_id = ? ORDER BY t.release DESC, t.language`),
  };

  return {
    async publishTerms(siteId, texts, at) {
      const publish = db.transaction(() => {
        const release = (sql.latestRelease.get(siteId)?.release ?? 0) + 1;
        return texts.map(({ language, body, sha256 }) => {
          const { lastInsertRowid } = sql.insertTerms.run({ siteId, release, language, body, sha256, publishedAt: at });
          return toTerms(sql.termsById.get(Number(lastInsertRowid))!);
        });
      });
      const published = publish.immediate();
      cache.currentTerms.clear();
      return published;
    },

    async currentTerms(siteId, language = '') {
      return cache.get(cache.currentTerms, `${siteId} ${language}`, () => {
        const row = sql.currentTerms.get({ siteId, language });
        return row && toTerms(row);
      });
    },

    async getTermsVersion(id) {
      return cache.get(cache.termsById, id, () => {
        const row = sql.termsById.get(id);
        return row && toTerms(row);
      });
    },

    async currentRelease(siteId) {
      return sql.currentRelease.all({ siteId }).map(toTerms);
    },

    async listTerms(siteId) {
      return sql.listTerms.all(siteId).map((row) => ({ ...toTerms(row), acceptances: row.acceptances }));
    },
  };
}
