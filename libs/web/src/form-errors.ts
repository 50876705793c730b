/** One problem with a form: the field it is about (its id) and what to do about it. */
export interface FormError {
  field?: string;
  message: string;
}

export interface ErrorSummaryView {
  /** For govukErrorSummary({ titleText, errorList }). */
  errorList: { text: string; href?: string }[];
  /** For each field macro's `errorMessage`: `errors.fields.title` → `{ text }`. */
  fields: Record<string, { text: string }>;
}

/**
 * Form problems → what the GOV.UK error summary and the field macros take. The first problem
 * per field is shown beside it; the summary lists them all and links to each field.
 */
export function errorSummary(errors: readonly FormError[] | null | undefined): ErrorSummaryView | null {
  if (!errors?.length) return null;
  const fields: Record<string, { text: string }> = {};
  for (const e of errors) if (e.field && !fields[e.field]) fields[e.field] = { text: e.message };
  return { errorList: errors.map((e) => ({ text: e.message, href: e.field ? `#${e.field}` : undefined })), fields };
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
