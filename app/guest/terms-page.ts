import { SplicedPage, encodedAnswer } from '../compressed';
import type { Context } from '../context';
import type { Answer, Exchange } from '../endpoint';
import { HttpError } from '../errors';
import { languages, type LanguageCode } from '../languages';
import { memoizedPerObject } from '../memo';
import type { Gateway, Site, TermsVersion } from '../store/types';
import { chooseLanguage, messages } from './messages';
import { guestStateLifetimeMs, newStateNonce, signState } from './state';
import { stylesheetPath } from './stylesheets';

/** A captured guest as the router described them, checked by the router's driver. */
export interface Arrival {
  gateway: Gateway | null;
  site: Site;
  mac: string | null;
  ip: string | null;
  /** Driver data the handoff needs, signed into the page. */
  handoff: Record<string, string>;
  /** Fields the router expects to receive back with the accept form (a zone, a redirect URL). */
  formFields: Record<string, string>;
  /** More such fields, made from the page's own nonce (a RADIUS router's one-time login). */
  pageFields?(nonce: string): Record<string, string>;
  /** Origin the accept form ends up at, allowed in the page's CSP form-action. */
  handoffOrigin: string | null;
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c]);
}

/**
 * The terms as HTML: blank-line separated paragraphs, "# " headings and "- " lists, everything
 * else escaped. Owners write plain text or simple Markdown; nothing they type becomes markup.
 */
export function termsToHtml(body: string): string {
  return body.replace(/\r\n?/g, '\n').split(/\n{2,}/).map((block) => block.trim()).filter(Boolean).map((block) => {
    const heading = /^#{1,6}\s(.*)$/s.exec(block);
    if (heading) return `<h2>${escapeHtml(heading[1].trim())}</h2>`;
    const lines = block.split('\n');
    if (lines.every((line) => /^\s*[-*]\s+/.test(line))) {
      return `<ul>${lines.map((line) => `<li>${escapeHtml(line.replace(/^\s*[-*]\s+/, ''))}</li>`).join('')}</ul>`;
    }
    return `<p>${lines.map(escapeHtml).join('<br>')}</p>`;
  }).join('\n');
}

/*
 * The page is rendered and compressed once per variant (venue settings, terms version, language,
 * router type); only the per-guest part is spliced in per request: the hidden fields (signed state
 * and the router's fields) and the entry query the language links keep. Slots are marked in the
 * rendered HTML by comments, which no escaped text can contain.
 */
const slot = (name: string) => `<!--slot:${name}-->`;
const slotPattern = /<!--slot:(guestFields|entryQuery)-->/;

interface Variant {
  page: SplicedPage;
  /** The slot names in the order they occur in the page. */
  slots: string[];
}
const variants = new Map<string, Variant>();
const maxVariants = 500; // venues × languages × router types; each change of settings adds one

/** Renders and splits a variant the cache does not have yet, and keeps it. */
async function renderVariant(exchange: Exchange, key: string, locals: Record<string, unknown>): Promise<Variant> {
  const html = await exchange.render('guest/terms', locals);
  const pieces = html.split(slotPattern); // fixed, slot name, fixed, slot name, …, fixed
  const variant = {
    page: new SplicedPage(pieces.filter((_, i) => i % 2 === 0)),
    slots: pieces.filter((_, i) => i % 2 === 1),
  };
  if (variants.size >= maxVariants) variants.clear();
  variants.set(key, variant);
  return variant;
}

function hiddenInputs(fields: Record<string, string>): string {
  return Object.entries(fields).map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('\n');
}

/** The query the guest arrived with, as the router wrote it, minus any earlier language choice, ready to prefix `lang=`. */
function entryQueryPrefix(originalUrl: string): string {
  const question = originalUrl.indexOf('?');
  if (question < 0) return '';
  const kept = originalUrl.slice(question + 1).split('&').filter((pair) => pair !== '' && pair !== 'lang' && !pair.startsWith('lang='));
  return kept.length ? escapeHtml(`${kept.join('&')}&`) : '';
}

// A site's settings as a variant key.
const siteKey = memoizedPerObject((site: Site) => JSON.stringify(site));

// Terms versions never change, so their HTML is made once per version.
const renderedTerms = new Map<number, string>();
function termsHtml(terms: TermsVersion): string {
  let html = renderedTerms.get(terms.id);
  if (html === undefined) {
    html = termsToHtml(terms.body);
    renderedTerms.set(terms.id, html);
  }
  return html;
}

/** What views/guest/terms.ejs displays; the admin's draft preview renders it too, with empty guest slots. */
export function termsViewLocals(
  site: Site, language: LanguageCode, terms: Pick<TermsVersion, 'language'>, html: string,
  page: { preview: boolean; draft: boolean; guestFields: string; entryQuery: string },
): Record<string, unknown> {
  return { site, language, languages, t: messages[language], terms, termsHtml: html, stylesheet: stylesheetPath(site.accentColor), ...page };
}

export async function termsPage(ctx: Context, exchange: Exchange, arrival: Arrival): Promise<Answer> {
  const { req } = exchange;
  const { site } = arrival;
  const language = chooseLanguage(exchange.query.lang, req.headers['accept-language'], site.defaultLanguage);
  const terms = await ctx.store.currentTerms(site.id, language);
  if (!terms) throw new HttpError(503, 'This venue has not published its Wi-Fi terms yet. Please ask the staff.', 'Wi-Fi not ready');
  const nonce = newStateNonce();
  const state = signState(ctx.keys.guestState, {
    gatewayId: arrival.gateway?.id ?? null,
    termsVersionId: terms.id,
    mac: arrival.mac,
    ip: arrival.ip,
    language,
    handoff: arrival.handoff,
    nonce,
    expiresAt: ctx.now() + guestStateLifetimeMs,
  });
  const routerType = arrival.gateway?.type ?? 'preview';
  const key = `${routerType}|${terms.id}|${language}|${siteKey(site)}`;
  const { page, slots } = variants.get(key) ?? await renderVariant(exchange, key,
    termsViewLocals(site, language, terms, termsHtml(terms), { preview: arrival.gateway === null, draft: false, guestFields: slot('guestFields'), entryQuery: slot('entryQuery') }));
  const values: Record<string, string> = {
    guestFields: hiddenInputs({ state, ...arrival.formFields, ...arrival.pageFields?.(nonce) }),
    entryQuery: entryQueryPrefix(req.url ?? ''),
  };
  const slotTexts = slots.map((name) => values[name]);

  return {
    ...encodedAnswer(req, { 'Cache-Control': 'no-store', 'Content-Type': 'text/html; charset=utf-8', 'Content-Language': language },
      () => page.gzip(slotTexts), () => page.identity(slotTexts)),
    formAction: arrival.handoffOrigin ?? undefined,
  };
}
