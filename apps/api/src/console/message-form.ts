import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreateMessageDto, NEAR_METRES } from '@beacon/messaging';
import { normalisePostcode } from '@beacon/geography';
import { labelFor, type FormError } from '@beacon/web';
import { field, fields } from './console-pages';

export interface MessageFormValues {
  title: string;
  body: string;
  category: string;
  priority: string;
  channels: string[];
  npuCodes: string[];
  wardCodes: string[];
  topics: string[];
  interestGroups: string[];
  when: 'now' | 'later';
  scheduledAt: string;
  /** The template the message starts from ('' for none), and its fields' values by name. */
  templateId: string;
  fields: Record<string, string>;
  /** Title and body per offered language (not English); both empty = no translation. */
  translations: Record<string, { title: string; body: string }>;
  /** "Near a postcode, within N metres" (audience.near): both empty, or both given. */
  nearPostcode: string;
  nearMetres: string;
}

/** A template field's name as a person reads it: `crime_ref` → "Crime ref". */
export function fieldLabel(name: string): string {
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "2026-03-29T09:30" read as UK time (GMT or BST, whichever applies on that day) → a Date. */
export function ukLocalToDate(local: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  const offset = (t: number) => {
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(t));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - t;
  };
  const d = new Date(asUtc - offset(asUtc));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A Date → "2026-03-29T09:30" in UK time, for a datetime-local input. */
export function dateToUkLocal(d: Date | string | null | undefined): string {
  if (!d) return '';
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(d));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

/**
 * `templateFields`: the fields of the chosen template (`field_<name>` inputs); `languages`: the
 * offered languages but English (`title_<code>`, `body_<code>`). Other inputs are ignored.
 */
export function readMessageForm(body: unknown, templateFields: readonly string[] = [], languages: readonly string[] = []): MessageFormValues {
  return {
    title: field(body, 'title'),
    body: field(body, 'body'),
    category: field(body, 'category'),
    priority: field(body, 'priority') || 'standard',
    channels: fields(body, 'channels'),
    npuCodes: fields(body, 'npuCodes'),
    wardCodes: fields(body, 'wardCodes'),
    topics: fields(body, 'topics'),
    interestGroups: fields(body, 'interestGroups'),
    when: field(body, 'when') === 'later' ? 'later' : 'now',
    scheduledAt: field(body, 'scheduledAt'),
    templateId: field(body, 'templateId'),
    fields: Object.fromEntries(templateFields.map((f) => [f, field(body, `field_${f}`)])),
    translations: Object.fromEntries(languages.map((l) => [l, { title: field(body, `title_${l}`), body: field(body, `body_${l}`) }])),
    nearPostcode: field(body, 'nearPostcode').trim(),
    nearMetres: field(body, 'nearMetres').trim(),
  };
}

const METRES_RANGE = `${NEAR_METRES.min.toLocaleString('en-GB')} to ${NEAR_METRES.max.toLocaleString('en-GB')}`;

/** The radius fields → audience.near, or the problems with them (a postcode's place is checked on save). */
function nearOf(v: MessageFormValues, errors: FormError[]): { postcode: string; metres: number } | undefined {
  if (!v.nearPostcode && !v.nearMetres) return undefined;
  const postcode = v.nearPostcode ? normalisePostcode(v.nearPostcode) : null;
  if (!v.nearPostcode) errors.push({ field: 'nearPostcode', message: 'Enter the postcode to measure the distance from, like B33 8TH' });
  else if (!postcode) errors.push({ field: 'nearPostcode', message: 'Enter a real postcode, like B33 8TH' });
  const metres = /^\d{1,6}$/.test(v.nearMetres) ? Number(v.nearMetres) : NaN;
  if (!v.nearMetres) errors.push({ field: 'nearMetres', message: 'Enter the distance from the postcode in metres' });
  else if (!(metres >= NEAR_METRES.min && metres <= NEAR_METRES.max)) errors.push({ field: 'nearMetres', message: `Enter a whole number of metres from ${METRES_RANGE}` });
  return postcode && metres >= NEAR_METRES.min && metres <= NEAR_METRES.max ? { postcode, metres } : undefined;
}

const MESSAGES: Record<string, string> = {
  title: 'Enter a title of 200 characters or fewer',
  body: 'Enter the message, 5,000 characters or fewer',
  category: 'Choose a category',
  priority: 'Choose a priority',
  channels: 'Choose email, text message or both',
};

/** The form as the API's DTO, checked by the same class-validator rules; problems named per field. */
export async function toMessageDto(v: MessageFormValues): Promise<{ dto: CreateMessageDto; errors: FormError[] }> {
  const errors: FormError[] = [];
  let scheduledAt: string | undefined;
  if (v.when === 'later') {
    const at = ukLocalToDate(v.scheduledAt);
    if (!at) errors.push({ field: 'scheduledAt', message: 'Enter the date and time to send it' });
    else if (at.getTime() < Date.now()) errors.push({ field: 'scheduledAt', message: 'The time to send it must be in the future' });
    else scheduledAt = at.toISOString();
  }
  const audience: Record<string, unknown> = {};
  for (const k of ['npuCodes', 'wardCodes', 'topics', 'interestGroups'] as const) if (v[k].length) audience[k] = v[k];
  const translations: { language: string; title: string; body: string }[] = [];
  for (const [language, tr] of Object.entries(v.translations)) {
    if (!tr.title && !tr.body) continue;
    if (!tr.title) errors.push({ field: `title_${language}`, message: `Enter the title in ${languageName(language)}, or leave both its title and message empty` });
    else if (!tr.body) errors.push({ field: `body_${language}`, message: `Enter the message in ${languageName(language)}, or leave both its title and message empty` });
    else translations.push({ language, title: tr.title, body: tr.body });
  }
  // A field left empty is sent as missing, so the template's check names it.
  const fieldValues = Object.fromEntries(Object.entries(v.fields).filter(([, value]) => value !== ''));
  const template = v.templateId ? { templateId: v.templateId, fields: fieldValues } : {};
  const near = nearOf(v, errors);
  if (near) audience.near = near;
  const plain = { title: v.title, body: v.body, category: v.category, priority: v.priority, channels: v.channels, audience, ...template, ...(translations.length ? { translations } : {}), ...(scheduledAt ? { scheduledAt } : {}) };
  const dto = plainToInstance(CreateMessageDto, plain);
  for (const e of await validate(dto, { whitelist: true, forbidNonWhitelisted: true })) {
    if (e.property === 'translations') {
      errors.push({ message: 'Check the translations: each title is 200 characters or fewer and each message 5,000 or fewer' });
      continue;
    }
    if (e.property === 'templateId') {
      errors.push({ field: 'template', message: 'Choose a template from the list' });
      continue;
    }
    const id = e.property === 'channels' ? 'channels' : e.property;
    if (id === 'audience' && near && e.children?.some((c) => c.property === 'near')) {
      errors.push({ field: 'nearMetres', message: `Enter a postcode and a whole number of metres from ${METRES_RANGE}` });
      continue;
    }
    errors.push({ field: id === 'audience' ? 'wardCodes' : id, message: MESSAGES[e.property] ?? 'Check the areas and groups you chose' });
  }
  return { dto, errors };
}

export const languageName = (code: string): string => labelFor('language', code);

/** A saved draft as the form (its text is already rendered: no fields left to fill). */
export function formValuesOf(
  m: { title: string; body: string; category: string; priority: string; channels: string[]; audience: object; scheduledAt: Date | string | null; templateId: string | null; translations: Record<string, { title: string; body: string }> },
  languages: readonly string[] = [],
): MessageFormValues {
  const a = m.audience as Record<string, unknown>;
  const list = (k: string) => (Array.isArray(a?.[k]) ? (a[k] as string[]) : []);
  const near = (a?.near ?? null) as { postcode?: string; metres?: number } | null;
  return {
    title: m.title,
    body: m.body,
    category: m.category,
    priority: m.priority,
    channels: m.channels,
    npuCodes: list('npuCodes'),
    wardCodes: list('wardCodes'),
    topics: list('topics'),
    interestGroups: list('interestGroups'),
    when: m.scheduledAt ? 'later' : 'now',
    scheduledAt: dateToUkLocal(m.scheduledAt),
    templateId: m.templateId ?? '',
    fields: {},
    translations: Object.fromEntries(languages.map((l) => [l, { title: m.translations?.[l]?.title ?? '', body: m.translations?.[l]?.body ?? '' }])),
    nearPostcode: near?.postcode ?? '',
    nearMetres: near?.metres !== undefined ? String(near.metres) : '',
  };
}

/**
 * A template or field problem of compose (libs/messaging's 400 messages name the text:
 * `title`, `body`, `fields`, `fields.<name>`, `translations.<i>.title`) as form errors on the
 * inputs of this form, in words; null when the message is not one of these.
 */
export function templateProblems(message: string, dto: { translations?: { language: string }[] }, templateFields: readonly string[]): FormError[] | null {
  const allowed = templateFields.length ? templateFields.map(fieldLabel).join(', ') : 'none';
  const missing = /^fields: missing (.+)$/.exec(message);
  if (missing) return missing[1].split(', ').map((f) => ({ field: `field_${f}`, message: `Enter the ${fieldLabel(f).toLowerCase()}` }));
  const value = /^fields\.([a-z][a-z0-9_]*): (.+)$/.exec(message);
  if (value) return [{ field: `field_${value[1]}`, message: `${fieldLabel(value[1])}: ${value[2].replace(/^must/, 'it must')}` }];
  const text = /^(title|body|translations\.(\d+)\.(title|body)|translations\.(\d+)): (.+)$/.exec(message);
  if (!text) return null;
  const language = text[2] ?? text[4];
  const part = text[3] ?? (text[4] !== undefined ? 'body' : text[1]);
  const input = language !== undefined ? `${part}_${dto.translations?.[Number(language)]?.language ?? ''}` : part;
  const what = part === 'title' ? 'title' : 'message';
  const detail = text[5];
  if (/unknown field/.test(detail)) return [{ field: input, message: `Use only the template’s fields in the ${what} (${allowed})` }];
  if (/need a templateId/.test(detail)) return [{ field: input, message: `Remove the double braces from the ${what}: fields can be used only when you start from a template` }];
  if (/braces/.test(detail)) return [{ field: input, message: `Write each field as its name in double braces, like {{location}}, and use braces for nothing else` }];
  if (/characters/.test(detail)) return [{ field: input, message: part === 'title' ? 'The title must be 1 to 200 characters once the fields are filled in' : 'The message must be 1 to 5,000 characters once the fields are filled in' }];
  return null;
}

/** The names of `allowed` that a text uses as `{{name}}`: the inputs the form asks for. */
export function fieldsUsed(allowed: readonly string[], texts: readonly string[]): string[] {
  return allowed.filter((f) => texts.some((t) => new RegExp(`\\{\\{\\s*${f}\\s*\\}\\}`).test(t)));
}
