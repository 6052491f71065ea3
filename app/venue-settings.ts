import type { SiteSettings, Store, Site } from './store/types';
import { currentTimeZoneName, serverTimeZone } from './venue-time';
import { UserError } from './errors';
import { termsTexts } from './content-digests';
import { isLanguageCode, languages } from './languages';

/** The venue settings as the owner names them (command line and admin form), with their checks. */
const parsers: Record<string, (value: string) => Partial<SiteSettings>> = {
  venue_name(value) {
    const name = value.trim();
    if (name === '' || name.length > 100) throw new UserError('The venue name must be 1 to 100 characters long.');
    return { name };
  },
  website_url(value) {
    return { websiteUrl: parseWebsiteUrl(value) };
  },
  timezone(value) {
    const timezone = currentTimeZoneName(value.trim());
    if (!timezone) {
      throw new UserError(`"${value.slice(0, 40)}" is not a time zone: give the region and the city it is named after, such as Europe/London or America/New_York.`);
    }
    return { timezone };
  },
  session_minutes(value) {
    return { sessionMinutes: parseWholeNumber('The session length', 'minutes', value, 1, 7 * 24 * 60) };
  },
  remember_days(value) {
    return { rememberDays: parseWholeNumber('How long a device is remembered', 'days', value, 0, 365) };
  },
  default_language(value) {
    return { defaultLanguage: parseLanguage('The default language', value) };
  },
  accent_color(value) {
    if (!/^#[0-9a-f]{6}$/i.test(value)) throw new UserError('The accent colour must be written as # and six hexadecimal digits, such as #1f5f99.');
    return { accentColor: value.toLowerCase() };
  },
};

export const siteSettingKeys = Object.keys(parsers);

export function parseSiteSetting(key: string, value: string): Partial<SiteSettings> {
  const parse = parsers[key];
  if (!parse) throw new UserError(`unknown setting "${key}"; settings are: ${siteSettingKeys.join(', ')}`);
  return parse(value);
}

function parseWholeNumber(what: string, unit: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) throw new UserError(`${what} must be a whole number of ${unit} from ${min} to ${max}.`);
  return number;
}

/** The venue website, where guests are sent after login: an absolute http(s) URL. */
export function parseWebsiteUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new UserError(`The website must be a full address such as https://example.com/; "${value.slice(0, 60)}" is not one.`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
    throw new UserError('The website must be an address starting with http:// or https://, without a user name or password in it.');
  }
  return url.href;
}

/** One of the languages the guest page speaks; `what` names the setting or flag in the message. */
export function parseLanguage(what: string, value: string): string {
  if (!isLanguageCode(value)) throw new UserError(`${what} must be one of the languages the guest page speaks: ${languages.map((language) => language.code).join(', ')}; "${value.slice(0, 20)}" is not one of them.`);
  return value;
}

/** The newest release's texts, by language. */
async function currentRelease(store: Store, site: Site): Promise<{ release: number; texts: Map<string, string> } | undefined> {
  const versions = await store.currentRelease(site.id);
  if (versions.length === 0) return undefined;
  return { release: versions[0].release, texts: new Map(versions.map((version) => [version.language, version.body])) };
}

/** Whether these texts are exactly the current release's: publishing them would make a release that changes nothing. */
export async function sameAsCurrentRelease(store: Store, site: Site, texts: { language: string; body: string }[]): Promise<boolean> {
  const current = await currentRelease(store, site);
  return current !== undefined && texts.length === current.texts.size && texts.every(({ language, body }) => current.texts.get(language) === body);
}

/**
 * The texts of a new release in which `changed` replace the current release's texts of their languages,
 * the others carried over. A release always holds the venue's default language, since guests without a
 * text in theirs are shown that one.
 */
export async function nextRelease(store: Store, site: Site, changed: { language: string; body: string }[]): Promise<{ language: string; body: string }[]> {
  const texts = new Map((await currentRelease(store, site))?.texts);
  for (const { language, body } of changed) texts.set(language, body);
  if (!texts.has(site.defaultLanguage)) {
    throw new UserError(`A release must hold the venue's default language (${site.defaultLanguage}): publish that text too, or change the default language first.`);
  }
  return [...texts].map(([language, body]) => ({ language, body }));
}

/** Refuses a default language the current terms release has no text in: its guests would get another language's text. */
export async function checkDefaultLanguage(store: Store, site: Site, language: string): Promise<void> {
  const current = await currentRelease(store, site);
  if (current && !current.texts.has(language)) {
    throw new UserError(`The current terms (release ${current.release}) have no ${language} text: publish one first, then make ${language} the default language.`);
  }
}

export const maxTermsLength = 100_000;

/** A terms text to publish (from a file or the admin editor): trimmed, not empty, not too long. */
export function parseTermsText(text: string, what: string): string {
  const body = text.trim();
  if (body === '') throw new UserError(`${what} is empty.`);
  if (body.length > maxTermsLength) throw new UserError(`${what} is longer than ${maxTermsLength.toLocaleString('en')} characters.`);
  return body;
}

export const placeholderTerms = `This Wi-Fi is offered free of charge to our guests. By tapping Accept you agree to these terms.

- Use the Wi-Fi lawfully and considerately: no illegal content, no attacks on other devices or networks.
- The service is provided as it is, without any guarantee of availability or speed.
- We may limit or end a session at any time, for example to keep the network fast for everyone.
- We record when you accepted these terms, with your device's network addresses, as required to offer public Wi-Fi.

(These are placeholder terms: the venue should publish its own.)`;

/** The name and website a new venue is given until the owner sets theirs. */
export const newVenueDefaults = { name: 'My Venue', websiteUrl: 'https://example.com/' } as const;

/** The slug of an installation's first venue, made at first start (or by migration 019 for an older installation). */
export const firstVenueSlug = 'main';

/** Whether the venue's terms are still the placeholder ones it was created with. */
export async function termsArePlaceholder(store: Store, site: Site): Promise<boolean> {
  return sameAsCurrentRelease(store, site, [{ language: 'en', body: placeholderTerms }]);
}

/** A venue's slug as the operator gives it (`venue add <slug>`, the admin's new-venue form). */
export function parseVenueSlug(value: string): string {
  const slug = value.trim();
  if (!/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/.test(slug)) {
    throw new UserError(`A venue's short name must be 1 to 40 lower-case letters, digits and dashes, such as cafe-north; "${slug.slice(0, 40)}" is not one.`);
  }
  return slug;
}

/**
 * A new venue, with the installation's defaults for what is not given and placeholder terms, so that its
 * guest page works as soon as a router is added. Throws StoreConflictError for a slug taken.
 */
export async function createVenue(store: Store, given: { slug: string } & Partial<SiteSettings>, now: number): Promise<Site> {
  const site = await store.createSite({
    ...newVenueDefaults,
    timezone: serverTimeZone(),
    sessionMinutes: 240,
    rememberDays: 0,
    defaultLanguage: 'en',
    accentColor: '#1f5f99',
    ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)),
  } as SiteSettings & { slug: string }, now);
  await store.publishTerms(site.id, termsTexts([{ language: 'en', body: placeholderTerms }]), now);
  return site;
}

/** The venue an installation serves: created with placeholder terms on first start. */
export async function ensureVenue(store: Store, now: number): Promise<Site> {
  return await store.getDefaultSite() ?? createVenue(store, { slug: firstVenueSlug }, now);
}

/** The venue, not removed, that a URL names by its id (/preview/2, /admin/venues/2/…); undefined for anything else. */
export async function venueNamedInPath(store: Store, id: string | undefined): Promise<Site | undefined> {
  const site = id !== undefined && /^[1-9]\d{0,9}$/.test(id) ? await store.getSite(Number(id)) : undefined;
  return site?.removedAt === null ? site : undefined;
}
