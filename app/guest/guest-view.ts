import { sendHtml, type Exchange } from '../direct-routes';
import type { Site } from '../store/types';
import { chooseLanguage, messages } from './messages';
import { stylesheetPath } from './stylesheets';

/** Renders a small guest page (online, portal) in the guest's language with the venue's colours. */
export async function renderGuestView(exchange: Exchange, view: string, site: Site, locals: Record<string, unknown> = {}): Promise<void> {
  const language = chooseLanguage(exchange.query.lang, exchange.req.headers['accept-language'], site.defaultLanguage);
  const html = await exchange.render(view, { site, language, t: messages[language], stylesheet: stylesheetPath(site.accentColor), ...locals });
  exchange.res.setHeader('Cache-Control', 'no-store');
  exchange.res.setHeader('Content-Language', language);
  sendHtml(exchange.res, html);
}
