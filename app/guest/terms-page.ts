import type { Response } from 'express';
import { allowFormAction } from '../content-security';
import type { Context } from '../context';
import { HttpError } from '../http-error';
import type { Gateway, Site, TermsVersion } from '../store/types';
import { guestStateLifetimeMs, signState } from './state';

/** A captured guest as the router described them, checked by the router's driver. */
export interface Arrival {
  gateway: Gateway | null;
  site: Site;
  mac: string | null;
  ip: string | null;
  /** Driver data the handoff needs, signed into the page. */
  handoff: Record<string, string>;
  /** Fields the router expects to receive back with the accept form (pfSense: zone, redirurl). */
  formFields: Record<string, string>;
  /** Origin the accept form ends up at, allowed in the page's CSP form-action. */
  handoffOrigin: string | null;
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c]);
}

/**
 * The terms as HTML: blank-line separated paragraphs, "# " headings and "- " lists, everything
 * else escaped. Owners write plain text or simple Markdown; nothing they type becomes markup.
 */
export function termsToHtml(body: string): string {
  return body.replace(/\r\n?/g, '\n').split(/\n{2,}/).map((block) => block.trim()).filter(Boolean).map((block) => {
    const heading = /^#{1,6}\s+(.*)$/s.exec(block);
    if (heading) return `<h2>${escapeHtml(heading[1])}</h2>`;
    const lines = block.split('\n');
    if (lines.every((line) => /^\s*[-*]\s+/.test(line))) {
      return `<ul>${lines.map((line) => `<li>${escapeHtml(line.replace(/^\s*[-*]\s+/, ''))}</li>`).join('')}</ul>`;
    }
    return `<p>${lines.map(escapeHtml).join('<br>')}</p>`;
  }).join('\n');
}

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

export async function renderTermsPage(ctx: Context, res: Response, arrival: Arrival): Promise<void> {
  const terms = await ctx.store.currentTerms(arrival.site.id, arrival.site.defaultLanguage);
  if (!terms) throw new HttpError(503, 'This venue has not published its Wi-Fi terms yet. Please ask the staff.', 'Wi-Fi not ready');
  const state = signState(ctx.keys.guestState, {
    gatewayId: arrival.gateway?.id ?? null,
    termsVersionId: terms.id,
    mac: arrival.mac,
    ip: arrival.ip,
    language: terms.language,
    handoff: arrival.handoff,
    expiresAt: ctx.now() + guestStateLifetimeMs,
  });
  if (arrival.handoffOrigin) allowFormAction(res, arrival.handoffOrigin);
  res.set('Cache-Control', 'no-store');
  res.render('guest/terms', {
    site: arrival.site,
    terms,
    termsHtml: termsHtml(terms),
    state,
    formFields: arrival.formFields,
    preview: arrival.gateway === null,
  });
}
