export interface TermsVersion {
  id: number;
  siteId: number;
  release: number;
  language: string;
  body: string;
  sha256: string;
  publishedAt: number;
}

/** One language's text of a release, with the SHA-256 of its body worked out above the store (app/content-digests.ts). */
export interface TermsText {
  language: string;
  body: string;
  sha256: string;
}

export interface TermsVersionSummary extends TermsVersion {
  acceptances: number;
}

/** Terms releases. Reads may hand out shared frozen objects, as for venues (see VenueStore). */
export interface TermsStore {
  /**
   * Publishes the next release (numbered from 1 per venue) with the given texts, one per language, in one
   * transaction; old releases stay as they were.
   */
  publishTerms(siteId: number, texts: TermsText[], at: number): Promise<TermsVersion[]>;
  /** The newest release's text in `language`, else in the site's default language, else any. */
  currentTerms(siteId: number, language?: string): Promise<TermsVersion | undefined>;
  getTermsVersion(id: number): Promise<TermsVersion | undefined>;
  /** The newest release's texts, by language (none before the first): what an edit starts from, at a cost that does not grow with the acceptances. */
  currentRelease(siteId: number): Promise<TermsVersion[]>;
  /** Every text of every release with its acceptances, newest release first, then by language. */
  listTerms(siteId: number): Promise<TermsVersionSummary[]>;
}
