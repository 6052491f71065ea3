import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { encodeOnce, encodedAnswer, type EncodedBody } from '../compressed';
import type { Answer, Exchange } from '../endpoint';
import { HttpError } from '../errors';
import { publicDir } from '../paths';

/*
 * The guest pages' one stylesheet: public/guest.css plus the venue's colours. The CSP forbids inline
 * styles, so each accent colour gets its own stylesheet whose URL names its content; it is built and
 * compressed once, and cached by browsers for a year.
 */

const defaultAccent = '#1f5f99';

/** WCAG 2.1 relative luminance of a #rrggbb colour. */
export function relativeLuminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
}

export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/**
 * The text colour for buttons on the accent: white while it reaches the 4.5:1 of WCAG AA, else black.
 * One of the two always does (the worst case, a luminance of about 0.18, still gives 4.58:1).
 */
export function textColourOn(accent: string): '#ffffff' | '#000000' {
  return contrastRatio(accent, '#ffffff') >= 4.5 ? '#ffffff' : '#000000';
}

let baseCss: string | null = null;
function readBaseCss(): string {
  baseCss ??= fs.readFileSync(path.join(publicDir, 'guest.css'), 'utf8').replace(/\n+/g, '\n').trim();
  return baseCss;
}

const sheets = new Map<string, EncodedBody>();
const pathByAccent = new Map<string, string>();

/** The stylesheet path (relative to the base path) for a venue's accent colour; builds it on first use. */
export function stylesheetPath(accentColor: string = defaultAccent): string {
  const accent = /^#[0-9a-f]{6}$/i.test(accentColor) ? accentColor.toLowerCase() : defaultAccent;
  let sheetPath = pathByAccent.get(accent);
  if (sheetPath === undefined) {
    const css = `${readBaseCss()}\n:root{--accent:${accent};--on-accent:${textColourOn(accent)}}\n`;
    const name = `${createHash('sha256').update(css).digest('hex').slice(0, 16)}.css`;
    sheets.set(name, encodeOnce(css));
    sheetPath = `style/${name}`;
    pathByAccent.set(accent, sheetPath);
  }
  return sheetPath;
}

/** Whether the browser's copy is this one (If-None-Match, as Express's req.fresh reads it: no Last-Modified here). */
function fresh(headers: Exchange['req']['headers'], etag: string): boolean {
  const ifNoneMatch = headers['if-none-match'];
  if (!ifNoneMatch || (headers['cache-control'] ?? '').split(',').some((directive) => directive.trim() === 'no-cache')) return false;
  return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** A venue's stylesheet (style/<name>), named by its content, so a browser keeps it for a year. */
export function stylesheetAnswer({ req, params }: Exchange): Answer {
  const sheet = sheets.get(params.name);
  if (!sheet) throw new HttpError(404, 'There is no stylesheet at this address.');
  const headers = { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=31536000, immutable', ETag: `"${params.name}"` };
  if (fresh(req.headers, headers.ETag)) return { status: 304, headers };
  return encodedAnswer(req, headers, () => sheet.gzip, () => sheet.identity);
}
