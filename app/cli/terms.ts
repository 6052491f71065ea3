import fs from 'node:fs';
import { termsTexts } from '../content-digests';
import { UserError } from '../errors';
import { ensureVenue, parseTermsText } from '../venue-settings';
import { options, UsageError, type Command } from './command';

export const terms: Command = {
  name: 'terms',
  usage: () => [{ form: 'publish <file> [--language <code>]' }, { form: 'list' }],

  async run({ args, store, io }) {
    const [action, ...rest] = args;
    const site = await ensureVenue(store, io.now());
    if (action === 'publish') {
      const { values, positionals: [file] } = options(rest, { language: { type: 'string' } }, 1);
      const language = values.language ?? site.defaultLanguage;
      if (!/^[a-z]{2}$/.test(language)) throw new UserError('--language must be a two-letter code such as en');
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (error) {
        throw new UserError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      const body = parseTermsText(text, file);
      const [version] = await store.publishTerms(site.id, termsTexts([{ language, body }]), io.now());
      io.out(`Published terms release ${version.release} (${language}, sha256 ${version.sha256}).\n`);
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
