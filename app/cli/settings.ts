import { checkDefaultLanguage, ensureVenue, parseSiteSetting, siteSettingKeys } from '../venue-settings';
import { options, UsageError, type StoreCommand } from './command';

export const settings: StoreCommand = {
  name: 'settings',
  usage: () => [{ form: 'show' }, { form: 'set <key> <value>', help: `keys: ${siteSettingKeys.join(', ')}` }],

  creates: (args) => args[0] === 'set',

  async run({ args, store, io }) {
    const [action, ...rest] = args;
    const site = await ensureVenue(store, io.now());
    if (action === 'set') {
      const { positionals: [key, value] } = options(rest, {}, 2);
      const change = parseSiteSetting(key, value);
      if (change.defaultLanguage && change.defaultLanguage !== site.defaultLanguage) await checkDefaultLanguage(store, site, change.defaultLanguage);
      await store.updateSite(site.id, change);
      io.out(`Set ${key}.\n`);
    } else if (action === 'show') {
      options(rest, {}, 0);
      const shown: Record<string, string | number> = {
        venue_name: site.name, website_url: site.websiteUrl, timezone: site.timezone, session_minutes: site.sessionMinutes,
        remember_days: site.rememberDays, default_language: site.defaultLanguage, accent_color: site.accentColor,
      };
      for (const [key, value] of Object.entries(shown)) io.out(`${key}\t${value}\n`);
    } else {
      throw new UsageError(`unknown settings command "${action ?? ''}"`);
    }
  },
};
