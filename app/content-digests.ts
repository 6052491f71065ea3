import { createHash } from 'node:crypto';
import type { LogoImage, TermsText } from './store/types';

const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

/** Terms texts with each body's SHA-256 (UTF-8): the fingerprint an acceptance is evidence of. */
export function termsTexts(texts: { language: string; body: string }[]): TermsText[] {
  return texts.map(({ language, body }) => ({ language, body, sha256: sha256(body) }));
}

/** A logo with its SHA-256, the name it is served under (logo/<sha256>.png). */
export function logoImage(png: Buffer): LogoImage {
  return { png, sha256: sha256(png) };
}
