import { publicLink, type Config } from '../config';
import type { Answer, Exchange } from '../endpoint';
import type { Site } from '../store/types';
import { chooseLanguage, messages } from './messages';
import { stylesheetPath } from './stylesheets';

/** A small guest page (online, portal) in the guest's language with the venue's colours. */
export function guestView(exchange: Exchange, view: string, site: Site, locals: Record<string, unknown> = {}): Answer {
  const language = chooseLanguage(exchange.query.lang, exchange.req.headers['accept-language'], site.defaultLanguage);
  return {
    headers: { 'Cache-Control': 'no-store', 'Content-Language': language },
    view: { name: view, locals: { site, language, t: messages[language], stylesheet: stylesheetPath(site.accentColor), ...locals } },
  };
}

/** The "You're online" page of a venue, where routers send guests once they are let in. */
export function onlinePageUrl(config: Pick<Config, 'publicUrl'>, site: Pick<Site, 'id'>): string {
  return publicLink(config, `online/${site.id}`);
}
