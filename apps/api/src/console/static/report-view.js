// Renders any report the API returns (objects, arrays of rows, numbers) as summary lists,
// tables and bar charts, so a report page works with whatever fields the reports lib sends.
import { barChart } from './charts.js';
import { h, humanise, number, pounds } from './dom.js';
import { summaryList, table } from './ui.js';

const isPlain = (v) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

export function formatValue(key, v) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') {
    if (/Pence$/.test(key)) return pounds(v);
    if (/^percent|Percent$/i.test(key)) return `${number(Math.round(v * 10) / 10)}%`;
    return number(Math.round(v * 100) / 100);
  }
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (Array.isArray(v)) return v.every(isPlain) ? v.join(', ') : `${v.length} items`;
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${humanise(k)}: ${isPlain(x) ? formatValue(k, x) : '…'}`).join('; ');
  return String(v);
}

// The column a chart shows, and the column that names each bar, in order of preference.
const VALUE_KEYS = ['newSignups', 'net', 'per1000', 'subscribers', 'sent', 'recipients', 'averageRating', 'current', 'members', 'total', 'value', 'count'];
const LABEL_KEYS = ['wardName', 'name', 'authorName', 'author', 'label', 'month', 'category', 'source', 'campaignCode', 'group', 'type', 'npuCode', 'wardCode'];

/** A table of rows, and a bar chart of the most telling numeric column. */
export function rowsView(rows, title) {
  let keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  // A column with one value in every row (the report's NPU or month) says nothing per row.
  if (rows.length > 1) keys = keys.filter((k) => !rows.every((r) => typeof r[k] === 'string' && r[k] === rows[0][k]));
  const numeric = keys.filter((k) => rows.some((r) => typeof r[k] === 'number') && rows.every((r) => r[k] === null || r[k] === undefined || typeof r[k] === 'number'));
  const chartKey = VALUE_KEYS.find((k) => numeric.includes(k)) ?? numeric[0];
  const labelKey = LABEL_KEYS.find((k) => keys.includes(k) && rows.every((r) => typeof r[k] === 'string' || r[k] === null));
  const columns = keys.map((k) => ({ key: k, label: columnLabel(k), numeric: numeric.includes(k), render: (r) => formatValue(k, r[k]) }));
  const chartable = labelKey && chartKey && rows.length > 1 && rows.length <= 24 && rows.some((r) => Number(r[chartKey]) > 0);
  return [
    chartable
      ? barChart(
          rows.map((r) => ({ label: r[labelKey] ?? '–', value: r[chartKey] ?? 0 })),
          { title: `${title ? `${title}: ` : ''}${columnLabel(chartKey).toLowerCase()}`, format: (v) => formatValue(chartKey, v) },
        )
      : null,
    // Long tables (every ward, every month of every NPU) start folded away.
    rows.length > 15
      ? h('details', { class: 'details' }, h('summary', null, `Show the table (${number(rows.length)} rows)`), table(columns, rows, { caption: title, captionHidden: true }))
      : table(columns, rows, { caption: title, captionHidden: true }),
  ];
}

// Headings for the keys of known reports (anything else is humanised).
const HEADINGS = {
  acf: 'Active Citizens Fund',
  signups: 'Sign-ups',
  growth: 'Sign-ups over 12 months',
  byWard: 'Sign-ups by ward this month',
  byMonth: 'By month',
  byAuthor: 'By author this month',
  reach: 'Reach: subscribers per 1,000 residents',
  representation: 'Representation against the census',
  attribution: 'Where sign-ups came from',
};
const heading = (k) => HEADINGS[k] ?? humanise(k);
const COLUMNS = { per1000: 'Per 1,000', npuCode: 'NPU', wardCode: 'Ward code', juniorPcsos: 'Junior PCSOs', averageRating: 'Average rating' };
const columnLabel = (k) => COLUMNS[k] ?? humanise(k);

export function reportView(value, { title, depth = 2 } = {}) {
  if (isPlain(value)) return h('p', null, formatValue(title ?? '', value));
  if (Array.isArray(value)) {
    if (!value.length) return h('p', { class: 'hint' }, 'Nothing to show.');
    if (value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) return rowsView(flattenRows(value), title);
    return h('p', null, value.map((v) => formatValue(title ?? '', v)).join(', '));
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  const plain = entries.filter(([, v]) => isPlain(v));
  const nested = entries.filter(([, v]) => !isPlain(v));
  const Tag = depth <= 2 ? 'h2' : depth === 3 ? 'h3' : 'h4';
  return [
    plain.length ? summaryList(plain.map(([k, v]) => [HEADINGS[k] ?? columnLabel(k), formatValue(k, v)])) : null,
    nested.map(([k, v]) =>
      // The rows of a report with totals need no heading of their own.
      k === 'rows' || k === 'items'
        ? reportView(v, { title, depth })
        : h('section', { class: 'report-part', 'data-part': k }, h(Tag, null, heading(k)), reportView(v, { title: heading(k), depth: depth + 1 })),
    ),
  ];
}

/** Rows with one level of nested objects become columns like "byChannel email". */
function flattenRows(rows) {
  return rows.map((r) => {
    const out = {};
    for (const [k, v] of Object.entries(r)) {
      if (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(isPlain)) for (const [k2, v2] of Object.entries(v)) out[`${k} ${k2}`] = v2;
      else out[k] = v;
    }
    return out;
  });
}
