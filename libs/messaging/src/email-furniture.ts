import { escapeHtml } from '@beacon/core';
import { PAGE_CATALOGUES, translatorFor, type PageLanguage } from '@beacon/web';

/**
 * The texts of an e-mail around the message itself (links, rating, sender and footer lines), from
 * libs/web's page catalogues (`email.*`) in one language. The message's text chooses it: the
 * language of the translation the resident gets, English when that language has no catalogue.
 * Looked up once per language per process (the catalogues are bundled), the texts with values once
 * per language and values (`memo`), so a recipient costs only the concatenation of its links.
 */
export interface EmailFurniture {
  /** The catalogue's language (`en` when the text's language has none). */
  lang: string;
  picturesOnline: string;
  readOnline: string;
  takeSurvey: string;
  rateOrReply: string;
  howUseful: string;
  reply: string;
  manage: string;
  unsubscribe: string;
  anyTeam: string;
  /** `rateScore[n]`: the label of score button n (1–6). */
  rateScore: string[];
  /** The texts without values, escaped for HTML once. */
  html: Record<'picturesOnline' | 'readOnline' | 'takeSurvey' | 'howUseful' | 'reply' | 'manage' | 'unsubscribe', string> & { rateScore: string[] };
  /** "<NPU> neighbourhood team". */
  team(npu: string): string;
  /** "<force> force-wide team". */
  forceTeam(force: string): string;
  sentBy(team: string): string;
  image(alt: string): string;
  attached(name: string, size: string): string;
  senderLine(name: string, role: string, team: string): string;
  /** "<role>, <team>" (the web version's second sender line). */
  roleTeam(role: string, team: string): string;
  /** A role code in words (`vocab.role.<code>`; the English label elsewhere). */
  role(code: string, english: string): string;
}

const cache = new Map<string, EmailFurniture>();

export function emailFurniture(language: string | undefined): EmailFurniture {
  const lang = language && PAGE_CATALOGUES[language] ? language : 'en';
  let f = cache.get(lang);
  if (!f) {
    f = build(lang, translatorFor(lang));
    cache.set(lang, f);
  }
  return f;
}

// An i18next lookup with values costs tens of microseconds, several times a whole e-mail's
// concatenation: the texts with values are kept per language and values (a message's sender, NPU,
// pictures and files), so each recipient of a batch reuses them. Bounded: emptied past 2,000 texts.
const MEMO_LIMIT = 2000;
function memo<A extends string[]>(fn: (...args: A) => string): (...args: A) => string {
  const seen = new Map<string, string>();
  return (...args) => {
    const key = args.join('\u0000');
    let s = seen.get(key);
    if (s === undefined) {
      if (seen.size >= MEMO_LIMIT) seen.clear();
      s = fn(...args);
      seen.set(key, s);
    }
    return s;
  };
}

function build(lang: string, t: PageLanguage['t']): EmailFurniture {
  const plain = {
    picturesOnline: t('email.picturesOnline'),
    readOnline: t('email.readOnline'),
    takeSurvey: t('email.takeSurvey'),
    howUseful: t('email.howUseful'),
    reply: t('email.reply'),
    manage: t('email.manage'),
    unsubscribe: t('email.unsubscribe'),
  };
  const rateScore = [0, 1, 2, 3, 4, 5, 6].map((score) => t('email.rateScore', { score }));
  return {
    lang,
    ...plain,
    rateOrReply: t('email.rateOrReply'),
    anyTeam: t('email.anyTeam'),
    rateScore,
    html: { ...(Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, escapeHtml(v)])) as typeof plain), rateScore: rateScore.map(escapeHtml) },
    team: memo((npu) => t('email.team', { npu })),
    forceTeam: memo((force) => t('email.forceTeam', { force })),
    sentBy: memo((team) => t('email.sentBy', { team })),
    image: memo((alt) => t('email.image', { alt })),
    attached: memo((name, size) => t('email.attached', { name, size })),
    senderLine: memo((name, role, team) => t('email.senderLine', { name, role, team })),
    roleTeam: memo((role, team) => t('email.roleTeam', { role, team })),
    role: memo((code, english) => (lang === 'en' ? english : t(`vocab.role.${code}`, { defaultValue: english }))),
  };
}
