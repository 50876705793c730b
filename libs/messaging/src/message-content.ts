/** Rendering of a broadcast for each channel. Bodies are plain text; HTML is generated and escaped. */

import { escapeHtml, languageCode, LANGUAGES_KNOWN, type LanguageCode } from '@beacon/core';
import { emailFurniture, type EmailFurniture } from './email-furniture';

/**
 * The title and body a resident gets: the translation into their language when the message has
 * one and the force offers it, else the English. Chosen per recipient from what the claim
 * already read (resident.language), with no query of its own.
 */
export function localised(
  m: { title: string; body: string; translations?: Record<string, { title: string; body: string }> | null },
  residentLanguage: string | null | undefined,
  offered: readonly string[],
): { title: string; body: string; language: string } {
  const language = receivedLanguage(residentLanguage, Object.keys(m.translations ?? {}), offered);
  const tr = language !== 'en' ? m.translations?.[language] : undefined;
  return tr ? { ...tr, language } : { title: m.title, body: m.body, language: 'en' };
}

/**
 * The language a resident gets a message in: theirs (free text read by `languageCode`) when the
 * force offers it and the message has a translation into it, English otherwise. One rule for the
 * sender, the message detail and the reports (libs/reports).
 */
export function receivedLanguage(residentLanguage: string | null | undefined, translated: readonly string[], offered: readonly string[]): string {
  const code = languageCode(residentLanguage);
  return code && code !== 'en' && offered.includes(code) && translated.includes(code) ? code : 'en';
}

/** `dir` of a language's text. */
export const textDirection = (language: string): 'rtl' | 'ltr' => (LANGUAGES_KNOWN[language as LanguageCode]?.rtl ? 'rtl' : 'ltr');

const URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

/** Plain text → HTML: escaped, paragraphs on blank lines, line breaks kept, http(s) links made clickable. */
export function textToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((para) => {
      let out = '';
      let last = 0;
      for (const m of para.matchAll(URL_RE)) {
        out += escapeHtml(para.slice(last, m.index));
        const url = escapeHtml(m[0]);
        out += `<a href="${url}">${url}</a>`;
        last = m.index! + m[0].length;
      }
      out += escapeHtml(para.slice(last));
      return `<p>${out.replace(/\n/g, '<br>')}</p>`;
    })
    .join('\n');
}

export interface EmailLinks {
  ratingUrl: string;
  unsubscribeUrl: string;
  manageUrl: string;
  /** The recipient's own survey link, when the message carries a survey. */
  surveyUrl?: string;
  /** The message's web version (`/m/<token>`). */
  webUrl?: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Who sent a message: the author's name, role (as words) and team (in English); the codes behind them for other languages. */
export interface MessageSender {
  name: string;
  roleText: string;
  team: string;
  /** The role's code (`vocab.role.<code>` in a catalogue). */
  role?: string;
  /** The team's NPU name; null: the force-wide team. Absent: `team` is shown as it is. */
  teamNpu?: string | null;
}

/** The force's name, colour (#rrggbb, checked at boot) and logo URL, from configuration. */
export interface Branding {
  forceName: string;
  colour: string;
  logoUrl?: string;
}

/** The sender's role and team in the furniture's language (the English words when the codes are absent). */
export function senderWords(sender: MessageSender, f: EmailFurniture, forceName?: string): { role: string; team: string } {
  const role = sender.role ? f.role(sender.role, sender.roleText) : sender.roleText;
  const team = sender.teamNpu ? f.team(sender.teamNpu) : sender.teamNpu === null && forceName ? f.forceTeam(forceName) : sender.team;
  return { role, team };
}

/** The "who is this from" line of an e-mail, in the furniture's language (English by default). */
export function senderLine(sender: MessageSender | null | undefined, f: EmailFurniture = emailFurniture('en'), forceName?: string): string | null {
  if (!sender) return null;
  const { role, team } = senderWords(sender, f, forceName);
  return f.senderLine(sender.name, role, team);
}

/** What the e-mail shows of a message's attachments: images by `cid:` (with their alt text) and attached files by name. */
export interface EmailAttachmentRefs {
  images: { cid: string; alt: string; width: number | null; height: number | null }[];
  files: { name: string; size: number }[];
}

/** The width an image is shown at in a 600 px e-mail (its own if smaller). */
const EMAIL_IMAGE_WIDTH = 568;

function imagesHtml(refs: EmailAttachmentRefs | null | undefined, webUrl: string | undefined, f: EmailFurniture): string {
  if (!refs?.images.length) return '';
  const imgs = refs.images
    .map((i) => {
      const w = i.width ? Math.min(i.width, EMAIL_IMAGE_WIDTH) : EMAIL_IMAGE_WIDTH;
      return `<p><img src="cid:${escapeHtml(i.cid)}" alt="${escapeHtml(i.alt)}" width="${w}" style="display:block;max-width:100%;height:auto;border:0"></p>\n`;
    })
    .join('');
  // For mail clients that block images: the web version shows them too.
  return imgs + (webUrl ? `<p style="font-size:14px"><a href="${escapeHtml(webUrl)}">${f.html.picturesOnline}</a></p>\n` : '');
}

const kb = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024))} KB`;

/**
 * The e-mail of one recipient. The texts around the message (links, rating, sender, footer) are in
 * the language of its text (`msg.language`, from `localised`) when libs/web has a catalogue for it,
 * else in English, marked `lang="en"` then; `lang`/`dir` are on the body too (mail clients drop the
 * `<html>` element).
 */
export function renderEmail(
  msg: { title: string; body: string; npuName?: string | null; sender?: MessageSender | null; branding?: Branding; language?: string; attachments?: EmailAttachmentRefs | null },
  links: EmailLinks,
): RenderedEmail {
  const refs = msg.attachments;
  const lang = msg.language ?? 'en';
  const f = emailFurniture(lang);
  const force = msg.branding?.forceName;
  const from = msg.npuName ? f.team(msg.npuName) : f.anyTeam;
  const who = senderLine(msg.sender, f, force);
  const text = [
    ...(force ? [force, ''] : []),
    msg.body,
    '',
    ...(refs?.images.length ? [...refs.images.map((i) => f.image(i.alt)), ''] : []),
    ...(refs?.files.length ? [...refs.files.map((x) => f.attached(x.name, kb(x.size))), ''] : []),
    ...(links.surveyUrl ? [`${f.takeSurvey}: ${links.surveyUrl}`, ''] : []),
    ...(links.webUrl ? [`${f.readOnline}: ${links.webUrl}`, ''] : []),
    '—',
    ...(who ? [who] : []),
    ...(force ? [force] : []),
    f.sentBy(from),
    `${f.rateOrReply}: ${links.ratingUrl}`,
    `${f.manage}: ${links.manageUrl}`,
    `${f.unsubscribe}: ${links.unsubscribeUrl}`,
  ].join('\n');
  const buttons = [1, 2, 3, 4, 5, 6]
    .map(
      (n) =>
        `<a href="${escapeHtml(`${links.ratingUrl}?score=${n}`)}" style="display:inline-block;min-width:36px;padding:10px 0;margin:0 4px 4px 0;text-align:center;border:2px solid #0b0c0c;color:#0b0c0c;text-decoration:none;font-weight:bold" aria-label="${f.html.rateScore[n]}">${n}</a>`,
    )
    .join('');
  const b = msg.branding;
  const header = b
    ? `<div style="border-top:8px solid ${escapeHtml(b.colour)};padding:12px 0 0">${b.logoUrl ? `<img src="${escapeHtml(b.logoUrl)}" alt="${escapeHtml(b.forceName)}" height="40" style="display:block;margin-bottom:8px">` : ''}<p style="margin:0;font-weight:bold;color:${escapeHtml(b.colour)}">${escapeHtml(b.forceName)}</p></div>\n`
    : '';
  const langAttrs = `lang="${escapeHtml(lang)}" dir="${textDirection(lang)}"`;
  // A text in a language without a catalogue: the furniture is English, and says so.
  const furnitureAttrs = f.lang === lang ? '' : ` lang="${f.lang}" dir="${textDirection(f.lang)}"`;
  const furniture = `${imagesHtml(refs, links.webUrl, f)}${refs?.files.length ? `<p>${refs.files.map((x) => escapeHtml(f.attached(x.name, kb(x.size)))).join('<br>')}</p>\n` : ''}${links.surveyUrl ? `<p><a href="${escapeHtml(links.surveyUrl)}" style="font-weight:bold">${f.html.takeSurvey}</a></p>\n` : ''}${links.webUrl ? `<p><a href="${escapeHtml(links.webUrl)}">${f.html.readOnline}</a></p>\n` : ''}${who ? `<p style="font-size:14px">${escapeHtml(who)}${force ? `<br>${escapeHtml(force)}` : ''}</p>\n` : ''}<hr>
<p>${f.html.howUseful}</p>
<p>${buttons}</p>
<p><a href="${escapeHtml(links.ratingUrl)}">${f.html.reply}</a></p>
<p style="font-size:14px">${escapeHtml(f.sentBy(from))} <a href="${escapeHtml(links.manageUrl)}">${f.html.manage}</a> · <a href="${escapeHtml(links.unsubscribeUrl)}">${f.html.unsubscribe}</a></p>
`;
  const html = `<!doctype html><html ${langAttrs}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(msg.title)}</title></head>
<body ${langAttrs} style="font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#0b0c0c;max-width:600px;margin:0 auto;padding:16px">
${header}<h1 style="font-size:22px">${escapeHtml(msg.title)}</h1>
${textToHtml(msg.body)}
${furnitureAttrs ? `<div${furnitureAttrs}>\n${furniture}</div>\n` : furniture}</body></html>`;
  return { subject: msg.title, text, html };
}

// GSM 03.38 basic set (+ extension table characters, which cost two septets).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXT = new Set('^{}\\[~]|€\f');

/** Length in the units an SMS segment counts, and whether the text needs UCS-2. */
export function smsUnits(text: string): { units: number; ucs2: boolean } {
  let units = 0;
  for (const ch of text) {
    if (GSM_BASIC.has(ch)) units += 1;
    else if (GSM_EXT.has(ch)) units += 2;
    else return { units: [...text].reduce((n, c) => n + (c.codePointAt(0)! > 0xffff ? 2 : 1), 0), ucs2: true };
  }
  return { units, ucs2: false };
}

export function smsSegments(text: string): number {
  const { units, ucs2 } = smsUnits(text);
  const single = ucs2 ? 70 : 160;
  const multi = ucs2 ? 67 : 153;
  return units <= single ? 1 : Math.ceil(units / multi);
}

/**
 * The last line of every message text: MANAGE texts back a link to the resident's preferences
 * (libs/engagement), so a resident reaches them from any SMS for 26 characters, not a 150-character
 * signed link; STOP is the carriers' opt-out.
 */
export const SMS_FOOTER = 'Reply MANAGE for settings or STOP to opt out';

/**
 * "Title: body" shortened to fit `maxSegments` with the rating link and the footer kept whole;
 * when the text is cut, a link to the web version (`webUrl`) is kept whole too.
 */
export function renderSms(msg: { title: string; body: string }, ratingUrl: string, maxSegments = 3, surveyUrl?: string, webUrl?: string): string {
  const tail = `${surveyUrl ? `\nSurvey: ${surveyUrl}` : ''}\nRate 1-6 or reply: ${ratingUrl}\n${SMS_FOOTER}`;
  const head = `${msg.title}: ${msg.body.replace(/\s+/g, ' ').trim()}`;
  const full = head + tail;
  if (smsSegments(full) <= maxSegments) return full;
  // '…' is not in the GSM alphabet: it would turn a GSM text into UCS-2 (70 characters a
  // segment instead of 160), so a GSM text is shortened with three dots.
  const ellipsis = smsUnits(full).ucs2 ? '…' : '...';
  const chars = [...head];
  const cut = (cutTail: string): string => {
    let lo = 0;
    let hi = chars.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (smsSegments(chars.slice(0, mid).join('').trimEnd() + ellipsis + cutTail) <= maxSegments) lo = mid;
      else hi = mid - 1;
    }
    return chars.slice(0, lo).join('').trimEnd();
  };
  // The web version's link when the text is cut, unless it would leave less than a line of the
  // message itself (a UCS-2 text has 67 characters a segment: the links could take them all).
  if (webUrl) {
    const withLink = `\nRead more: ${webUrl}${tail}`;
    const kept = cut(withLink);
    if ([...kept].length >= MIN_CUT_HEAD) return kept + ellipsis + withLink;
  }
  return cut(tail) + ellipsis + tail;
}

/** The least of "Title: body" a cut SMS keeps before it gives up the web version's link for it. */
const MIN_CUT_HEAD = 60;
