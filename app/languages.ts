/** The languages Portico's guest pages speak, and in which a venue can publish its terms. */
export const languages = [
  { code: 'en', name: 'English' },
  { code: 'de', name: 'Deutsch' },
  { code: 'fr', name: 'Français' },
  { code: 'es', name: 'Español' },
  { code: 'it', name: 'Italiano' },
  { code: 'nl', name: 'Nederlands' },
] as const;

export type LanguageCode = (typeof languages)[number]['code'];

export function isLanguageCode(code: string): code is LanguageCode {
  return languages.some((language) => language.code === code);
}
