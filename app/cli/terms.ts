import fs from 'node:fs';
import { termsTexts } from '../content-digests';
import { UserError } from '../errors';
import { ensureVenue, nextRelease, parseLanguage, parseTermsText, sameAsCurrentRelease } from '../venue-settings';
import { options, UsageError, type StoreCommand } from './command';

export const terms: StoreCommand = {
  name: 'terms',
  usage: () => [{ form: 'publish <file> [--language <code>]' }, { form: 'list' }],

  creates: (args) => args[0] === 'publish',

  async run({ args, store, io }) {
    const [action, ...rest] = args;
    const site = await ensureVenue(store, io.now());
    if (action === 'publish') {
      const { values, positionals: [file] } = options(rest, { language: { type: 'string' } }, 1);
      const language = parseLanguage('--language', values.language ?? site.defaultLanguage);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (error) {
        throw new UserError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      const body = parseTermsText(text, file);
      const release = await nextRelease(store, site, [{ language, body }]);
      if (await sameAsCurrentRelease(store, site, release)) {
        io.out(`The current terms already hold this ${language} text: nothing published.\n`);
        return;
      }
      const versions = await store.publishTerms(site.id, termsTexts(release), io.now());
      const published = versions.find((version) => version.language === language)!;
      const carried = versions.filter((version) => version !== published).map((version) => version.language);
      io.out(`Published terms release ${published.release} (${language}, sha256 ${published.sha256})`
        + `${carried.length ? `, with the ${carried.join(', ')} text${carried.length > 1 ? 's' : ''} of the release before` : ''}.\n`);
    } else if (action === 'list') {
      options(rest, {}, 0);
      for (const t of await store.listTerms(site.id)) {
        io.out(`release ${t.release}\t${t.language}\t${new Date(t.publishedAt).toISOString()}\t${t.sha256}\t${t.acceptances} acceptances\n`);
      }
    } else {
      throw new UsageError(`unknown terms command "${action ?? ''}"`);
    }
  },
};
