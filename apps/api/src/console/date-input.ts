import { field } from './console-pages';

export interface DateInputValue {
  /** YYYY-MM-DD, or null when the three boxes do not make a real date. */
  date: string | null;
  day: string;
  month: string;
  year: string;
}

/** The GOV.UK date input's three boxes (`<id>-day`, `<id>-month`, `<id>-year`) as one date. */
export function readDateInput(body: unknown, id: string): DateInputValue {
  const day = field(body, `${id}-day`);
  const month = field(body, `${id}-month`);
  const year = field(body, `${id}-year`);
  const ok = /^\d{1,2}$/.test(day) && /^\d{1,2}$/.test(month) && /^\d{4}$/.test(year);
  const d = ok ? new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))) : null;
  const real = !!d && d.getUTCFullYear() === Number(year) && d.getUTCMonth() === Number(month) - 1 && d.getUTCDate() === Number(day);
  return { date: real ? d.toISOString().slice(0, 10) : null, day, month, year };
}

/** The items of govukDateInput for these values (the error class on every box when `error`). */
export function dateInputItems(v: Pick<DateInputValue, 'day' | 'month' | 'year'>, error = false) {
  const e = error ? ' govuk-input--error' : '';
  return [
    { name: 'day', classes: `govuk-input--width-2${e}`, value: v.day },
    { name: 'month', classes: `govuk-input--width-2${e}`, value: v.month },
    { name: 'year', classes: `govuk-input--width-4${e}`, value: v.year },
  ];
}

/** Today's date in England, YYYY-MM-DD. */
export function londonToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** YYYY-MM-DD → the three boxes. */
export function dateParts(date: string): Pick<DateInputValue, 'day' | 'month' | 'year'> {
  const [year, month, day] = date.split('-');
  return { day: String(Number(day)), month: String(Number(month)), year };
}
