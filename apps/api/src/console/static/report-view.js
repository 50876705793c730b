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
    if (/^percent|Percent$|^per1000$/i.test(key)) return `${number(Math.round(v * 10) / 10)}${/per1000/i.test(key) ? '' : '%'}`;
    return number(Math.round(v * 100) / 100);
  }
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (Array.isArray(v)) return v.every(isPlain) ? v.join(', ') : `${v.length} items`;
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${humanise(k)}: ${isPlain(x) ? formatValue(k, x) : '…'}`).join('; ');
  return String(v);
}

const PREFERRED = ['net', 'newSignups', 'subscribers', 'per1000', 'total', 'current', 'members', 'sent', 'recipients', 'averageRating', 'value', 'count'];

/** A table of rows, and a bar chart of the most telling numeric column. */
export function rowsView(rows, title) {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const labelKey = keys.find((k) => rows.every((r) => typeof r[k] === 'string' || r[k] === null));
  const numeric = keys.filter((k) => rows.some((r) => typeof r[k] === 'number') && rows.every((r) => r[k] === null || r[k] === undefined || typeof r[k] === 'number'));
  const chartKey = PREFERRED.find((k) => numeric.includes(k)) ?? numeric[0];
  const columns = keys.map((k) => ({ key: k, label: humanise(k), numeric: numeric.includes(k), render: (r) => formatValue(k, r[k]) }));
  const labelOf = (r) => keys.filter((k) => typeof r[k] === 'string').map((k) => r[k]).join(' ') || '–';
  return [
    labelKey && chartKey && rows.length > 1 && rows.length <= 40
      ? barChart(
          rows.map((r) => ({ label: labelOf(r), value: r[chartKey] ?? 0 })),
          { title: `${title ? `${title}: ` : ''}${humanise(chartKey)}`, format: (v) => formatValue(chartKey, v) },
        )
      : null,
    table(columns, rows, { caption: title }),
  ];
}

export function reportView(value, { title, depth = 2 } = {}) {
  if (isPlain(value)) return h('p', null, formatValue(title ?? '', value));
  if (Array.isArray(value)) {
    if (!value.length) return h('p', { class: 'hint' }, 'Nothing to show.');
    if (value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) return rowsView(flattenRows(value), title);
    return h('p', null, value.map((v) => formatValue(title ?? '', v)).join(', '));
  }
  const entries = Object.entries(value);
  const plain = entries.filter(([, v]) => isPlain(v));
  const nested = entries.filter(([, v]) => !isPlain(v));
  const Tag = depth <= 2 ? 'h2' : depth === 3 ? 'h3' : 'h4';
  return [
    plain.length ? summaryList(plain.map(([k, v]) => [humanise(k), formatValue(k, v)])) : null,
    nested.map(([k, v]) => h('section', { class: 'report-part', 'data-part': k }, h(Tag, null, humanise(k)), reportView(v, { title: humanise(k), depth: depth + 1 }))),
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
