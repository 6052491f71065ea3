import fs from 'node:fs';
import { termsTexts } from '../content-digests';
import { UserError } from '../errors';
import { nextRelease, parseLanguage, parseTermsText, sameAsCurrentRelease } from '../venue-settings';
import { options, UsageError, type StoreCommand } from './command';
import { venueFlag, venueFor, venueForm } from './venue-option';

export const terms: StoreCommand = {
  name: 'terms',
  usage: () => [
    { form: `publish <file> [--language <code>] ${venueForm}`, help: 'a new terms release of the venue, the other languages carried over' },
    { form: `list ${venueForm}`, help: 'the venue\'s releases, with their SHA-256 and acceptances' },
  ],

  creates: (args) => args[0] === 'publish',

  async run({ args, store, io }) {
    const [action, ...rest] = args;
    if (action === 'publish') {
      const { values, positionals: [file] } = options(rest, { language: { type: 'string' }, ...venueFlag }, 1);
      const site = await venueFor(store, values.venue, io.now());
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
      const { values } = options(rest, venueFlag, 0);
      const site = await venueFor(store, values.venue, io.now());
      for (const t of await store.listTerms(site.id)) {
        io.out(`release ${t.release}\t${t.language}\t${new Date(t.publishedAt).toISOString()}\t${t.sha256}\t${t.acceptances} acceptances\n`);
      }
    } else {
      throw new UsageError(`unknown terms command "${action ?? ''}"`);
    }
  },
};
