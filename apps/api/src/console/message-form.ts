import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreateMessageDto } from '@beacon/messaging';
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
  };
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
  const audience: Record<string, string[]> = {};
  for (const k of ['npuCodes', 'wardCodes', 'topics', 'interestGroups'] as const) if (v[k].length) audience[k] = v[k];
  const plain = { title: v.title, body: v.body, category: v.category, priority: v.priority, channels: v.channels, audience, ...(scheduledAt ? { scheduledAt } : {}) };
  const dto = plainToInstance(CreateMessageDto, plain);
  for (const e of await validate(dto, { whitelist: true, forbidNonWhitelisted: true })) {
    const id = e.property === 'channels' ? 'channels' : e.property;
    errors.push({ field: id === 'audience' ? 'wardCodes' : id, message: MESSAGES[e.property] ?? 'Check the areas and groups you chose' });
  }
  return { dto, errors };
}

export function formValuesOf(m: { title: string; body: string; category: string; priority: string; channels: string[]; audience: object; scheduledAt: Date | string | null }): MessageFormValues {
  const a = m.audience as Record<string, unknown>;
  const list = (k: string) => (Array.isArray(a?.[k]) ? (a[k] as string[]) : []);
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
  };
}
