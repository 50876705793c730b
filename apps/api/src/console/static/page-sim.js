import { ApiError, download, get, withQuery } from './api.js';
import { append, clear, h } from './dom.js';
import { reportView } from './report-view.js';
import { button, heading, select, showErrors, textInput } from './ui.js';

const lastMonth = () => {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
};

const monthName = (m) => new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric' }).format(new Date(`${m}-01T12:00:00Z`));

/** The monthly SIM pack for one NPU (GET /api/v1/reports/sim), as tables and charts. */
export async function simPage({ main, staff, signal, query, go }) {
  const npus = await get('/api/v1/npus', { signal });
  // Force-wide staff start with the first NPU; they may also choose the whole force (no npu).
  const npu = staff.npuCode ?? query.get('npu') ?? npus[0]?.code ?? '';
  const month = query.get('month') ?? lastMonth();
  const errors = h('div');
  const npuSelect = select({
    id: 'sim-npu',
    label: 'Area',
    options: (staff.npuCode ? npus.filter((n) => n.code === staff.npuCode) : npus).map((n) => [n.code, n.name]),
    placeholder: staff.npuCode ? undefined : 'Whole force',
    value: npu,
  });
  const monthInput = textInput({ id: 'sim-month', label: 'Month', type: 'month', width: 'medium', value: month, hint: 'For example, 2019-09' });
  const form = h('form', { novalidate: true, class: 'filters inline-form' }, npuSelect.group, monthInput.group, h('button', { type: 'submit', class: 'button button-secondary' }, 'Show report'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!/^\d{4}-\d{2}$/.test(monthInput.input.value)) return showErrors(errors, [{ field: 'sim-month', message: 'Enter a month like 2019-09' }]);
    go(withQuery('#/sim', { npu: npuSelect.input.value, month: monthInput.input.value }));
  });
  const out = h('div', { id: 'sim-report' }, h('p', null, 'Loading…'));
  const csv = button('Download as CSV', {
    variant: 'secondary',
    onClick: () => download(withQuery('/api/v1/reports/sim', { npu, month, format: 'csv' }), `sim-${npu || 'force'}-${month}.csv`).catch((e) => showErrors(errors, [{ message: e.message }])),
  });
  append(main, errors, heading(`SIM report: ${npu ? (npus.find((n) => n.code === npu)?.name ?? npu) : 'whole force'}, ${monthName(month)}`, 'Reports'), form, csv, out);
  try {
    const report = await get(withQuery('/api/v1/reports/sim', { npu, month }), { signal });
    clear(out);
    // The pack repeats the NPU and month of the heading; the sections follow.
    const { npuCode: _npu, month: _month, ...sections } = report;
    append(out, reportView(sections));
  } catch (e) {
    if (e?.name === 'AbortError') return;
    clear(out);
    append(out, h('p', { class: 'field-error' }, e instanceof ApiError ? e.message : 'The report could not be loaded.'));
  }
}
