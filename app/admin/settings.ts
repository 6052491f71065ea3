import { Router, type Response } from 'express';
import type { Context } from '../context';
import { UserError } from '../errors';
import { languages } from '../languages';
import { log } from '../log';
import { optionalField } from '../request-fields';
import type { Site, SiteSettings } from '../store/types';
import { checkDefaultLanguage, parseSiteSetting, siteSettingKeys } from '../venue-settings';
import { currentTimeZoneName, timeZoneNames } from '../venue-time';
import { resizeLogo } from './logo';
import { logoImage } from '../content-digests';
import { venueOf, venuePath } from './venue-scope';

/** The form's values, by the same keys as `portico settings set`; a zone stored by an old name is shown by its current one. */
function formValues(site: Site): Record<string, string> {
  return {
    venue_name: site.name, website_url: site.websiteUrl, timezone: currentTimeZoneName(site.timezone) ?? site.timezone, session_minutes: String(site.sessionMinutes),
    remember_days: String(site.rememberDays), default_language: site.defaultLanguage, accent_color: site.accentColor,
  };
}

function renderSettings(res: Response, status: number, site: Site, values: Record<string, string>, errors: Record<string, string>, notice: string | null): void {
  res.status(status).set('Cache-Control', 'no-store').render('admin/settings', {
    title: 'Settings', active: 'settings', site, values, errors, notice, timeZones: timeZoneNames, languages,
  });
}

/** The venue settings form and the logo upload. */
export function settingsRoutes(ctx: Context): Router {
  const router = Router();
  const settingsPage = (site: Site) => venuePath(ctx, site, 'settings');

  router.get('/settings', (req, res) => {
    const site = venueOf(res);
    const notice = req.query.saved !== undefined ? 'Settings saved.'
      : req.query.logo !== undefined ? 'Logo saved.'
        : req.query['logo-removed'] !== undefined ? 'Logo removed: the guest page shows the venue name only.' : null;
    renderSettings(res, 200, site, formValues(site), {}, notice);
  });

  router.post('/settings', async (req, res) => {
    const site = venueOf(res);
    const values = formValues(site);
    const errors: Record<string, string> = {};
    let changes: Partial<SiteSettings> = {};
    // Only the settings the form sent; each checked by the same parser as the command line.
    for (const key of siteSettingKeys) {
      const value = optionalField(req.body, key, { max: 200 });
      if (value === undefined) continue;
      values[key] = value;
      try {
        changes = { ...changes, ...parseSiteSetting(key, value) };
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        errors[key] = error.message;
      }
    }
    if (changes.defaultLanguage && changes.defaultLanguage !== site.defaultLanguage) {
      await checkDefaultLanguage(ctx.store, site, changes.defaultLanguage).catch((error: unknown) => {
        if (!(error instanceof UserError)) throw error;
        errors.default_language = error.message;
      });
    }
    if (Object.keys(errors).length > 0) {
      log.warn('admin settings refused', { fields: Object.keys(errors).join(',') });
      return renderSettings(res, 400, site, values, errors, null);
    }
    await ctx.store.updateSite(site.id, changes);
    log.info('venue settings changed', { user: res.locals.adminUser, venue: site.slug, fields: Object.keys(changes).join(',') });
    res.redirect(303, `${settingsPage(site)}?saved`);
  });

  // The multipart body was parsed (and its CSRF token checked) before this route: see routes.ts.
  router.post('/settings/logo', async (req, res) => {
    const site = venueOf(res);
    if (typeof res.locals.logoRefused === 'string') {
      log.warn('admin logo refused', { reason: res.locals.logoRefused });
      return renderSettings(res, 413, site, formValues(site), { logo: res.locals.logoRefused }, null);
    }
    if (!req.file) return renderSettings(res, 400, site, formValues(site), { logo: 'Choose a picture file to upload.' }, null);
    let png: Buffer;
    try {
      png = await resizeLogo(req.file.buffer);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      log.warn('admin logo refused', { reason: error.message });
      return renderSettings(res, 400, site, formValues(site), { logo: error.message }, null);
    }
    const updated = await ctx.store.setLogo(site.id, logoImage(png), ctx.now());
    log.info('venue logo changed', { user: res.locals.adminUser, venue: site.slug, bytes: png.length, sha256: updated.logoSha256 });
    res.redirect(303, `${settingsPage(site)}?logo`);
  });

  router.post('/settings/remove-logo', async (_req, res) => {
    const site = venueOf(res);
    await ctx.store.removeLogo(site.id);
    log.info('venue logo removed', { user: res.locals.adminUser, venue: site.slug });
    res.redirect(303, `${settingsPage(site)}?logo-removed`);
  });

  return router;
}
