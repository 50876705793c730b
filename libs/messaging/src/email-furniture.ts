import { PAGE_CATALOGUES, translatorFor, type PageLanguage } from '@beacon/web';

/**
 * The texts of an e-mail around the message itself (links, rating, sender and footer lines), from
 * libs/web's page catalogues (`email.*`) in one language. The message's text chooses it: the
 * language of the translation the resident gets, English when that language has no catalogue.
 * Looked up once per language per process (the catalogues are bundled), so a recipient costs only
 * the concatenation of its links.
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
  /** "<NPU> neighbourhood team" (cached per NPU name). */
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

function build(lang: string, t: PageLanguage['t']): EmailFurniture {
  const teams = new Map<string, string>();
  return {
    lang,
    picturesOnline: t('email.picturesOnline'),
    readOnline: t('email.readOnline'),
    takeSurvey: t('email.takeSurvey'),
    rateOrReply: t('email.rateOrReply'),
    howUseful: t('email.howUseful'),
    reply: t('email.reply'),
    manage: t('email.manage'),
    unsubscribe: t('email.unsubscribe'),
    anyTeam: t('email.anyTeam'),
    rateScore: [0, 1, 2, 3, 4, 5, 6].map((score) => t('email.rateScore', { score })),
    team: (npu) => {
      let s = teams.get(npu);
      if (s === undefined) {
        s = t('email.team', { npu });
        // Bounded by the number of NPUs.
        teams.set(npu, s);
      }
      return s;
    },
    forceTeam: (force) => t('email.forceTeam', { force }),
    sentBy: (team) => t('email.sentBy', { team }),
    image: (alt) => t('email.image', { alt }),
    attached: (name, size) => t('email.attached', { name, size }),
    senderLine: (name, role, team) => t('email.senderLine', { name, role, team }),
    roleTeam: (role, team) => t('email.roleTeam', { role, team }),
    role: (code, english) => (lang === 'en' ? english : t(`vocab.role.${code}`, { defaultValue: english })),
  };
}
