import type { Request, Response } from 'express';
import type { Site } from '../store/types';
import { chooseLanguage, messages } from './messages';
import { stylesheetPath } from './stylesheets';

/** Renders a small guest page (online, portal) in the guest's language with the venue's colours. */
export function renderGuestView(req: Request, res: Response, view: string, site: Site, locals: Record<string, unknown> = {}): void {
  const language = chooseLanguage(req.query.lang, req.get('accept-language'), site.defaultLanguage);
  res.set({ 'Cache-Control': 'no-store', 'Content-Language': language });
  res.render(view, { site, language, t: messages[language], stylesheet: stylesheetPath(site.accentColor), ...locals });
}
