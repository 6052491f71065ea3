import type { TermsStore, TermsVersion } from '../types';
import type { Connection } from './connection';

interface TermsRow { id: number; site_id: number; release: number; language: string; body: string; sha256: string; published_at: number }

function toTerms(row: TermsRow): TermsVersion {
  return {
    id: row.id, siteId: row.site_id, release: row.release, language: row.language, body: row.body, sha256: row.sha256,
    publishedAt: row.published_at,
  };
}

export function postgresTerms({ db, transaction, cache }: Connection): TermsStore {
  return {
    async publishTerms(siteId, texts, at) {
      const published = await transaction(async (tx) => {
        // The venue's row lock: two publications at once (two instances, or the command line) number one after the other.
        await tx.run('SELECT 1 FROM sites WHERE id = $1 FOR UPDATE', [siteId]);
        const release = ((await tx.row<{ release: number | null }>('SELECT max(release) AS release FROM terms_versions WHERE site_id = $1', [siteId]))!.release ?? 0) + 1;
        const rows: TermsVersion[] = [];
        for (const { language, body, sha256 } of texts) {
          rows.push(toTerms((await tx.row<TermsRow>(`INSERT INTO terms_versions (site_id, release, language, body, sha256, published_at)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`, [siteId, release, language, body, sha256, at]))!));
        }
        return rows;
      });
      cache.forgetTerms();
      return published;
    },

    async currentTerms(siteId, language = '') {
      // The newest release, preferring the asked language, then the site's default, then any.
      return cache.get(cache.currentTerms, `${siteId} ${language}`, async () => {
        const row = await db.row<TermsRow>(`
          SELECT t.* FROM terms_versions t JOIN sites s ON s.id = t.site_id
          WHERE t.site_id = $1 AND t.release = (SELECT max(release) FROM terms_versions WHERE site_id = $1)
          ORDER BY t.language = $2 DESC, t.language = s.default_language DESC, t.id LIMIT 1`, [siteId, language]);
        return row && toTerms(row);
      });
    },

    async getTermsVersion(id) {
      return cache.get(cache.termsById, id, async () => {
        const row = await db.row<TermsRow>('SELECT * FROM terms_versions WHERE id = $1', [id]);
        return row && toTerms(row);
      });
    },

    async currentRelease(siteId) {
      const rows = await db.rows<TermsRow>(`SELECT * FROM terms_versions
        WHERE site_id = $1 AND release = (SELECT max(release) FROM terms_versions WHERE site_id = $1) ORDER BY language`, [siteId]);
      return rows.map(toTerms);
    },

    async listTerms(siteId) {
      const rows = await db.rows<TermsRow & { acceptances: number }>(`
        SELECT t.*, (SELECT count(*) FROM acceptances a WHERE a.terms_version_id = t.id) AS acceptances
        FROM terms_versions t WHERE t.site_id = $1 ORDER BY t.release DESC, t.language`, [siteId]);
      return rows.map((row) => ({ ...toTerms(row), acceptances: row.acceptances }));
    },
  };
}
