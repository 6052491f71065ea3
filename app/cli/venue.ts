import { UserError } from '../errors';
import { createVenue, parseSiteSetting, parseVenueSlug } from '../venue-settings';
import { options, UsageError, type StoreCommand } from './command';
import { venueBySlug } from './venue-option';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

export const venue: StoreCommand = {
  name: 'venue',
  usage: () => [
    { form: 'add <slug> --name <name>', help: 'a new venue, with placeholder terms; <slug> is what --venue names it by (lower-case letters, digits, dashes)' },
    { form: 'list [--json]', help: 'the venues: slug, name, routers, time zone' },
    { form: 'rename <slug> [--name <name>] [--slug <new-slug>]', help: 'change a venue\'s name or its slug' },
    { form: 'remove <slug> [--force]', help: 'hide a venue, keeping its terms and acceptances as evidence; with routers only with --force, which removes them' },
  ],

  creates: (args) => args[0] === 'add',

  async run({ args, store, io }) {
    const [action, ...rest] = args;
    if (action === 'add') {
      const { values, positionals: [given] } = options(rest, { name: { type: 'string' } }, 1);
      if (values.name === undefined) throw new UsageError('venue add needs --name');
      const slug = parseVenueSlug(given);
      const { name } = parseSiteSetting('venue_name', values.name);
      const site = await createVenue(store, { slug, name }, io.now());
      io.out(`Added venue "${site.slug}" (${site.name}), with placeholder terms and the time zone ${site.timezone}. `
        + `Next: npx portico settings set timezone <zone> --venue ${site.slug}, npx portico terms publish <file> --venue ${site.slug}, `
        + `npx portico gateway add --venue ${site.slug} …\n`);
    } else if (action === 'list') {
      const { values } = options(rest, { json: { type: 'boolean' } }, 0);
      const sites = await store.listSites();
      const routers = new Map<number, number>();
      for (const gateway of await store.listGateways()) routers.set(gateway.siteId, (routers.get(gateway.siteId) ?? 0) + 1);
      if (values.json) {
        io.out(JSON.stringify(sites.map((site) => ({
          slug: site.slug, name: site.name, routers: routers.get(site.id) ?? 0, timezone: site.timezone, id: site.id, createdAt: new Date(site.createdAt).toISOString(),
        })), null, 2) + '\n');
      } else if (sites.length === 0) {
        io.out('No venues yet. Add one with: npx portico venue add <slug> --name <name>\n');
      } else {
        for (const site of sites) io.out(`${site.slug}\t${site.name}\t${plural(routers.get(site.id) ?? 0, 'router')}\t${site.timezone}\n`);
      }
    } else if (action === 'rename') {
      const { values, positionals: [slug] } = options(rest, { name: { type: 'string' }, slug: { type: 'string' } }, 1);
      if (values.name === undefined && values.slug === undefined) throw new UsageError('venue rename needs --name, --slug or both');
      const site = await venueBySlug(store, slug);
      const change = {
        ...(values.name === undefined ? {} : parseSiteSetting('venue_name', values.name)),
        ...(values.slug === undefined ? {} : { slug: parseVenueSlug(values.slug) }),
      };
      const renamed = await store.updateSite(site.id, change);
      io.out(`Venue "${site.slug}" is now "${renamed.slug}" (${renamed.name}).\n`);
    } else if (action === 'remove') {
      const { values, positionals: [slug] } = options(rest, { force: { type: 'boolean' } }, 1);
      const site = await venueBySlug(store, slug);
      // The server serves the first venue when a request names none: it cannot run without one.
      if ((await store.listSites()).length === 1) {
        throw new UserError(`"${site.slug}" is the only venue, and a running portal needs one: add another first (npx portico venue add), or change this one (npx portico venue rename)`);
      }
      const routers = await store.listGateways(site.id);
      if (routers.length > 0 && !values.force) {
        throw new UserError(`venue "${site.slug}" has ${plural(routers.length, 'router')} (${routers.map((router) => router.id).join(', ')}): `
          + '--force removes them with it, keeping its acceptances and sessions as evidence');
      }
      if (!(await store.removeSite(site.id, io.now()))) throw new UserError(`no venue "${site.slug}"; see: npx portico venue list`);
      io.out(`Removed venue "${site.slug}"${routers.length > 0 ? ` and its ${plural(routers.length, 'router')}` : ''}; `
        + 'its terms, acceptances and sessions are kept as evidence, and its managers lost their access to it.\n');
    } else {
      throw new UsageError(`unknown venue command "${action ?? ''}"`);
    }
  },
};
