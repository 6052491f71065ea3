import { Router, type Request, type Response } from 'express';
import type { Context } from '../context';
import { termsToHtml, termsViewLocals } from '../guest/terms-page';
import { HttpError, UserError } from '../errors';
import { isLanguageCode, languages } from '../languages';
import { log } from '../log';
import { optionalField } from '../request-fields';
import type { Site, TermsVersionSummary } from '../store/types';
import { maxTermsLength, parseTermsText, sameAsCurrentRelease } from '../venue-settings';
import { venueOf, venuePath } from './venue-scope';
import { termsTexts } from '../content-digests';

interface Release {
  release: number;
  publishedAt: number;
  versions: TermsVersionSummary[];
}

/** listTerms gives one row per release × language, newest first; the page shows them by release. */
function byRelease(versions: TermsVersionSummary[]): Release[] {
  const releases: Release[] = [];
  for (const version of versions) {
    const last = releases.at(-1);
    if (last?.release === version.release) last.versions.push(version);
    else releases.push({ release: version.release, publishedAt: version.publishedAt, versions: [version] });
  }
  return releases;
}

/** The editor's text per language, as the owner typed it. */
function drafts(req: Request): Record<string, string> {
  const texts: Record<string, string> = {};
  // Room for the text's line breaks, which browsers send as CRLF.
  for (const { code } of languages) texts[code] = optionalField(req.body, `terms_${code}`, { max: 2 * maxTermsLength }) ?? '';
  return texts;
}

/** The terms editor: publish a new release, preview a draft, see every release with its acceptances. */
export function termsRoutes(ctx: Context): Router {
  const router = Router();

  async function renderEditor(res: Response, status: number, site: Site, texts: Record<string, string> | null,
    errors: Record<string, string>, notice: string | null): Promise<void> {
    const releases = byRelease(await ctx.store.listTerms(site.id));
    const current = Object.fromEntries((releases[0]?.versions ?? []).map((version) => [version.language, version.body]));
    const timeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: site.timezone });
    res.status(status).set('Cache-Control', 'no-store').render('admin/terms', {
      title: 'Terms', active: 'terms', site, languages, texts: texts ?? current, errors, notice, releases,
      formatTime: (ms: number) => timeFormat.format(ms),
    });
  }

  router.get('/terms', async (req, res) => {
    const site = venueOf(res);
    const release = optionalField(req.query, 'published', { max: 10, pattern: /^\d+$/ });
    await renderEditor(res, 200, site, null, {}, release ? `Release ${release} is published: guests see it from now on.` : null);
  });

  router.post('/terms', async (req, res) => {
    const site = venueOf(res);
    const texts = drafts(req);
    const errors: Record<string, string> = {};
    const publish: { language: string; body: string }[] = [];
    for (const { code, name } of languages) {
      if (texts[code].trim() === '' && code !== site.defaultLanguage) continue; // other languages are optional
      try {
        publish.push({ language: code, body: parseTermsText(texts[code].replace(/\r\n?/g, '\n'), `The ${name} text`) });
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        errors[code] = error.message;
      }
    }
    if (Object.keys(errors).length > 0) return renderEditor(res, 400, site, texts, errors, null);
    if (await sameAsCurrentRelease(ctx.store, site, publish)) return renderEditor(res, 200, site, texts, {}, 'These are the current terms, unchanged: nothing was published.');
    const [version] = await ctx.store.publishTerms(site.id, termsTexts(publish), ctx.now());
    log.info('terms published', { user: res.locals.adminUser, venue: site.slug, release: version.release, languages: publish.map((t) => t.language).join(',') });
    res.redirect(303, `${venuePath(ctx, site, 'terms')}?published=${version.release}`);
  });

  // The guest page with the draft text; nothing is stored, and its accept button is off: there is no release to accept yet.
  router.post('/terms/preview', async (req, res) => {
    const site = venueOf(res);
    const language = optionalField(req.body, 'language', { max: 2 }) ?? site.defaultLanguage;
    if (!isLanguageCode(language)) throw new HttpError(400, 'There is no such language.');
    const texts = drafts(req);
    let body: string;
    try {
      body = parseTermsText(texts[language], 'The text to preview');
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      return renderEditor(res, 400, site, texts, { [language]: error.message }, null);
    }
    res.set('Cache-Control', 'no-store').render('guest/terms',
      termsViewLocals(site, language, { language }, termsToHtml(body), { preview: true, draft: true, guestFields: '', entryQuery: '' }));
  });

  return router;
}
