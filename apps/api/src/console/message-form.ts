import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreateMessageDto, NEAR_METRES } from '@beacon/messaging';
import { normalisePostcode } from '@beacon/geography';
import type { FormError } from '@beacon/web';
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
  /** "Near a postcode, within N metres" (audience.near): both empty, or both given. */
  nearPostcode: string;
  nearMetres: string;
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

export function readMessageForm(body: unknown): MessageFormValues {
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
  const near = nearOf(v, errors);
  if (near) audience.near = near;
  const plain = { title: v.title, body: v.body, category: v.category, priority: v.priority, channels: v.channels, audience, ...(scheduledAt ? { scheduledAt } : {}) };
  const dto = plainToInstance(CreateMessageDto, plain);
  for (const e of await validate(dto, { whitelist: true, forbidNonWhitelisted: true })) {
    const id = e.property === 'channels' ? 'channels' : e.property;
    if (id === 'audience' && near && e.children?.some((c) => c.property === 'near')) {
      errors.push({ field: 'nearMetres', message: `Enter a postcode and a whole number of metres from ${METRES_RANGE}` });
      continue;
    }
    errors.push({ field: id === 'audience' ? 'wardCodes' : id, message: MESSAGES[e.property] ?? 'Check the areas and groups you chose' });
  }
  return { dto, errors };
}

export function formValuesOf(m: { title: string; body: string; category: string; priority: string; channels: string[]; audience: object; scheduledAt: Date | string | null }): MessageFormValues {
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
    nearPostcode: near?.postcode ?? '',
    nearMetres: near?.metres !== undefined ? String(near.metres) : '',
  };
}
