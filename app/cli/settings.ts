import { checkDefaultLanguage, parseSiteSetting, siteSettingKeys } from '../venue-settings';
import { options, UsageError, type StoreCommand } from './command';
import { venueFlag, venueFor, venueForm } from './venue-option';

export const settings: StoreCommand = {
  name: 'settings',
  usage: () => [
    { form: `show ${venueForm}`, help: 'a venue\'s settings (--venue: needed when there are several venues)' },
    { form: `set <key> <value> ${venueForm}`, help: `keys: ${siteSettingKeys.join(', ')}` },
  ],

  creates: (args) => args[0] === 'set',

  async run({ args, store, io }) {
    const [action, ...rest] = args;
    if (action === 'set') {
      const { values, positionals: [key, value] } = options(rest, venueFlag, 2);
      const change = parseSiteSetting(key, value);
      const site = await venueFor(store, values.venue, io.now());
      if (change.defaultLanguage && change.defaultLanguage !== site.defaultLanguage) await checkDefaultLanguage(store, site, change.defaultLanguage);
      await store.updateSite(site.id, change);
      io.out(`Set ${key}.\n`);
    } else if (action === 'show') {
      const { values } = options(rest, venueFlag, 0);
      const site = await venueFor(store, values.venue, io.now());
      const shown: Record<string, string | number> = {
        venue: site.slug, venue_name: site.name, website_url: site.websiteUrl, timezone: site.timezone, session_minutes: site.sessionMinutes,
        remember_days: site.rememberDays, default_language: site.defaultLanguage, accent_color: site.accentColor,
      };
      for (const [key, value] of Object.entries(shown)) io.out(`${key}\t${value}\n`);
    } else {
      throw new UsageError(`unknown settings command "${action ?? ''}"`);
    }
  },
};
