export interface Site {
  id: number;
  /** The venue's short name on the command line (`--venue <slug>`): lower-case letters, digits and dashes; unique among venues not removed. */
  slug: string;
  name: string;
  websiteUrl: string;
  timezone: string;
  sessionMinutes: number;
  rememberDays: number;
  defaultLanguage: string;
  accentColor: string;
  /** SHA-256 of the venue's logo (served at logo/<sha256>.png), null without one. */
  logoSha256: string | null;
  /** When the owner first opened the guest page preview from the admin; null before. */
  guestPagePreviewedAt: number | null;
  createdAt: number;
  /** A removed venue is hidden from every list and admin page; its row, terms and acceptances stay as evidence. */
  removedAt: number | null;
}

export type SiteSettings = Pick<Site, 'name' | 'websiteUrl' | 'timezone' | 'sessionMinutes' | 'rememberDays' | 'defaultLanguage' | 'accentColor'>;

/** A venue's logo, already resized, with the SHA-256 it is stored and served under (app/content-digests.ts). */
export interface LogoImage {
  png: Buffer;
  sha256: string;
}

/**
 * Venues and their settings. Read on every guest and router request, so a store may hand out the same
 * frozen object for a venue until the venue changes (its own writes or another process's); callers never
 * change what they get, and may remember what they derive from one object (app/memo.ts) for as long as it lives.
 */
export interface VenueStore {
  /** Removed venues too: their acceptances still name them. */
  getSite(id: number): Promise<Site | undefined>;
  /** The venue this installation serves when nothing names one: the first created that is not removed. */
  getDefaultSite(): Promise<Site | undefined>;
  /** The venues not removed, by name (then id). */
  listSites(): Promise<Site[]>;
  /** The venue not removed with this slug. */
  findSiteBySlug(slug: string): Promise<Site | undefined>;
  /** Throws StoreConflictError when a venue not removed has that slug. */
  createSite(settings: SiteSettings & { slug: string }, at: number): Promise<Site>;
  /** Changes the given settings (undefined ones are left); the venue as it is now. Throws StoreConflictError for a slug taken. */
  updateSite(id: number, settings: Partial<SiteSettings & { slug: string }>): Promise<Site>;
  /**
   * Removes the venue, its routers (as removeGateway does) and its managers' grants, in one transaction; its
   * acceptances, sessions and terms stay. False when there is no such venue or it was removed already.
   */
  removeSite(id: number, at: number): Promise<boolean>;
  /** Stores the logo under its SHA-256 and makes it the venue's logo, in one transaction; unused logos are deleted. */
  setLogo(siteId: number, logo: LogoImage, at: number): Promise<Site>;
  /** The venue goes back to having no logo; a logo no venue uses any more is deleted. */
  removeLogo(siteId: number): Promise<Site>;
  /** Notes that the owner has seen the guest page; the first time is kept. */
  noteGuestPagePreviewed(siteId: number, at: number): Promise<Site>;
  getLogo(sha256: string): Promise<Buffer | undefined>;
}
