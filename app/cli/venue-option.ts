import { UserError } from '../errors';
import type { Site, Store } from '../store/types';
import { ensureVenue } from '../venue-settings';

/** The `--venue <slug>` flag of every venue-scoped command, for `options()`. */
export const venueFlag = { venue: { type: 'string' } } as const;

/** How usage shows it. */
export const venueForm = '[--venue <slug>]';

/** The venues' slugs for a message, in order. */
async function slugsOf(store: Store): Promise<string> {
  return (await store.listSites()).map((site) => site.slug).sort().join(', ');
}

/** The venue not removed with this slug; a UserError naming the venues there are when there is none. */
export async function venueBySlug(store: Store, slug: string): Promise<Site> {
  const site = await store.findSiteBySlug(slug);
  if (!site) throw new UserError(`no venue "${slug.slice(0, 40)}"; venues are: ${await slugsOf(store)} (see: npx portico venue list)`);
  return site;
}

/**
 * The venue a command works on: the one `--venue` names, else the only one there is. With several and
 * none named it refuses, naming them: a command that guessed would change or show another venue's data.
 * An installation without any venue yet (a new database) gets its first, as the server makes at start.
 */
export async function venueFor(store: Store, slug: string | undefined, now: number): Promise<Site> {
  const sites = await store.listSites();
  if (sites.length === 0) sites.push(await ensureVenue(store, now));
  if (slug !== undefined) return venueBySlug(store, slug);
  if (sites.length === 1) return sites[0];
  throw new UserError(`this installation has ${sites.length} venues (${await slugsOf(store)}): say which with --venue <slug>`);
}
