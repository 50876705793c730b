/** One problem with a form: the field it is about (its id) and what to do about it. */
export interface FormError {
  field?: string;
  /** What to do, or (resident pages) a page catalogue key `errors.…` / `<section>.errors.…`, translated when the page is rendered. */
  message: string;
  /** Values for the catalogue text's `{{name}}` fields. */
  values?: Record<string, unknown>;
}

/** One shown problem; `visuallyHiddenText` is GOV.UK's "Error" prefix in the page's language. */
export interface ErrorText {
  text: string;
  href?: string;
  values?: Record<string, unknown>;
  visuallyHiddenText?: string;
}

export interface ErrorSummaryView {
  /** For govukErrorSummary({ titleText, errorList }). */
  errorList: ErrorText[];
  /** For each field macro's `errorMessage`: `errors.fields.title` → `{ text }`. */
  fields: Record<string, ErrorText>;
}

/**
 * Form problems → what the GOV.UK error summary and the field macros take. The first problem
 * per field is shown beside it; the summary lists them all and links to each field.
 */
export function errorSummary(errors: readonly FormError[] | null | undefined): ErrorSummaryView | null {
  if (!errors?.length) return null;
  const fields: Record<string, ErrorText> = {};
  const values = (e: FormError) => (e.values ? { values: e.values } : {});
  for (const e of errors) if (e.field && !fields[e.field]) fields[e.field] = { text: e.message, ...values(e) };
  return { errorList: errors.map((e) => ({ text: e.message, href: e.field ? `#${e.field}` : undefined, ...values(e) })), fields };
}

// A catalogue key: `errors.…`, or a page section's own `<section>.errors.…` (e.g. `schemes.errors.route`).
const ERROR_KEY = /^(?:[a-z][A-Za-z]*\.)?errors\.[\w.]+$/;

/** The summary in a page's language: catalogue keys (`errors.…`, `<section>.errors.…`) become their text; GOV.UK's "Error" prefix too. */
export function translateErrorSummary(summary: ErrorSummaryView | null | undefined, t: (key: string, opts?: Record<string, unknown>) => string): ErrorSummaryView | null {
  if (!summary) return null;
  const tr = ({ values, ...e }: ErrorText): ErrorText => ({ ...e, text: ERROR_KEY.test(e.text) ? t(e.text, values) : e.text, visuallyHiddenText: t('layout.errorPrefix') });
  return { errorList: summary.errorList.map(tr), fields: Object.fromEntries(Object.entries(summary.fields).map(([k, v]) => [k, tr(v)])) };
}

/**
 * The API's validation messages ("title must be shorter than or equal to 200 characters")
 * into form errors, naming the field when the message starts with one of `fields`.
 */
export function fromValidationMessages(messages: readonly string[], fields: readonly string[]): FormError[] {
  return messages.map((message) => {
    const field = fields.find((f) => message === f || message.startsWith(`${f} `) || message.startsWith(`${f}.`) || message.startsWith(`${f}:`));
    return { field, message: message.charAt(0).toUpperCase() + message.slice(1) };
  });
}
