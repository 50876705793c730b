import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';

/** Field name → the message shown next to it (and in the summary at the top). */
export type FieldErrors = Record<string, string>;

/** An application/x-www-form-urlencoded body: repeated names arrive as arrays. */
export type FormBody = Record<string, string | string[] | undefined>;

/** First value of a field, trimmed; empty means absent. */
export function text(body: FormBody | undefined, name: string): string | undefined {
  const v = body?.[name];
  const s = (Array.isArray(v) ? v[0] : v)?.trim();
  return s ? s : undefined;
}

export function many(body: FormBody | undefined, name: string): string[] {
  const v = body?.[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((s) => s.trim()).filter(Boolean).slice(0, 50);
}

/** Field → constraint → message; '*' is the field's message for any other constraint. */
export type FieldMessages = Record<string, Record<string, string>>;

function flatten(errors: ValidationError[], out: { field: string; constraint: string }[] = [], parent?: string): typeof out {
  for (const e of errors) {
    // Nested objects (demographics) map to their own flat form fields; array items to the array's field.
    const field = /^\d+$/.test(e.property) && parent ? parent : e.property;
    for (const constraint of Object.keys(e.constraints ?? {})) out.push({ field, constraint });
    if (e.children?.length) flatten(e.children, out, field);
  }
  return out;
}

function messageFor(field: string, constraint: string, messages: FieldMessages): string | undefined {
  return messages[field]?.[constraint] ?? messages[field]?.['*'];
}

/** Validates a form with the API's DTO class, so pages and API accept exactly the same input. */
export async function validateForm<T extends object>(cls: new () => T, plain: Record<string, unknown>, messages: FieldMessages): Promise<{ dto?: T; errors: FieldErrors }> {
  const dto = plainToInstance(cls, plain);
  const found = await validate(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  const errors: FieldErrors = {};
  for (const { field, constraint } of flatten(found)) {
    const message = messageFor(field, constraint, messages);
    if (message && !errors[field]) errors[field] = message;
    else if (!message && !errors[field]) errors[field] = `Check this answer (${field})`;
  }
  return Object.keys(errors).length ? { errors } : { dto, errors };
}

/** Maps a service's validation details ("wardCode … is not a known ward") to form fields. */
export function errorsFromDetails(details: string[] | undefined, messages: FieldMessages): FieldErrors {
  const errors: FieldErrors = {};
  for (const d of details ?? []) {
    const field = /^([A-Za-z]+)/.exec(d)?.[1];
    if (!field || errors[field]) continue;
    errors[field] = messageFor(field, 'service', messages) ?? d.replace(/^[A-Za-z]+:\s*/, '');
  }
  return errors;
}
