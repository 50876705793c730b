/**
 * The languages a force may offer for translated messages (`LANGUAGES`): ISO 639-1 codes with
 * their English and own names, and which are written right to left. Residents give their language
 * as free text (sign-up, import); `languageCode` reads it as one of these.
 */
export const LANGUAGES_KNOWN = {
  en: { name: 'English', native: 'English', rtl: false },
  ar: { name: 'Arabic', native: 'العربية', rtl: true },
  bn: { name: 'Bengali', native: 'বাংলা', rtl: false },
  cy: { name: 'Welsh', native: 'Cymraeg', rtl: false },
  fa: { name: 'Persian', native: 'فارسی', rtl: true },
  fr: { name: 'French', native: 'Français', rtl: false },
  gu: { name: 'Gujarati', native: 'ગુજરાતી', rtl: false },
  hi: { name: 'Hindi', native: 'हिन्दी', rtl: false },
  ks: { name: 'Kashmiri', native: 'کٲشُر', rtl: true },
  ku: { name: 'Kurdish', native: 'Kurdî', rtl: false },
  pa: { name: 'Punjabi', native: 'ਪੰਜਾਬੀ', rtl: false },
  pl: { name: 'Polish', native: 'Polski', rtl: false },
  ps: { name: 'Pashto', native: 'پښتو', rtl: true },
  pt: { name: 'Portuguese', native: 'Português', rtl: false },
  ro: { name: 'Romanian', native: 'Română', rtl: false },
  so: { name: 'Somali', native: 'Soomaali', rtl: false },
  ta: { name: 'Tamil', native: 'தமிழ்', rtl: false },
  ti: { name: 'Tigrinya', native: 'ትግርኛ', rtl: false },
  tr: { name: 'Turkish', native: 'Türkçe', rtl: false },
  ur: { name: 'Urdu', native: 'اردو', rtl: true },
  zh: { name: 'Chinese', native: '中文', rtl: false },
} as const;
export type LanguageCode = keyof typeof LANGUAGES_KNOWN;
export const LANGUAGE_CODES = Object.keys(LANGUAGES_KNOWN) as LanguageCode[];

const BY_WORD = new Map<string, LanguageCode>(
  LANGUAGE_CODES.flatMap((c) => [
    [c, c],
    [LANGUAGES_KNOWN[c].name.toLowerCase(), c],
    [LANGUAGES_KNOWN[c].native.toLowerCase(), c],
  ]),
);

/** A resident's free-text language ('ur', 'Urdu', 'اردو', ' polish ') as a code; null when not one of the list. */
export function languageCode(text: string | null | undefined): LanguageCode | null {
  if (!text) return null;
  return BY_WORD.get(text.trim().toLowerCase()) ?? null;
}
