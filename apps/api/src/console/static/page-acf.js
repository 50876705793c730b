import { ApiError, get, post, withQuery } from './api.js';
import { append, date, h, pounds } from './dom.js';
import { BID_STATUSES, BID_THEMES, label } from './labels.js';
import { button, heading, notice, percentBar, section, select, showErrors, summaryList, table, tag, textArea, textInput } from './ui.js';

const POSITION_ROLES = ['admin', 'analyst', 'npu_lead', 'eco'];
const CASEWORKERS = ['admin', 'npu_lead', 'eco', 'officer'];
const DECIDERS = ['admin', 'npu_lead'];

let flash = null; // shown once after an action re-renders the page

/** '2019-20' for a date in April 2019 … March 2020. */
function financialYear(d = new Date()) {
  const start = d.getMonth() >= 3 ? d.getFullYear() : d.getFullYear() - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

export async function acfPage({ main, staff, signal, query, go }) {
  const bids = await get(withQuery('/api/v1/bids', { year: query.get('year') ?? undefined, limit: 200 }), { signal });
  const year = query.get('year') ?? bids.items[0]?.financialYear ?? financialYear();
  const items = bids.items.filter((b) => b.financialYear === year);

  const thisYear = Number(financialYear().slice(0, 4));
  const years = [];
  for (let y = thisYear + 1; y >= 2019; y--) years.push(`${y}-${String((y + 1) % 100).padStart(2, '0')}`);
  const yearSelect = select({ id: 'acf-year', label: 'Financial year', options: years.map((y) => [y, y.replace('-', '/')]), value: year });
  yearSelect.input.addEventListener('change', () => go(`#/acf?year=${yearSelect.input.value}`));

  const message = flash;
  flash = null;
  append(main, heading('Active Citizens Fund'), message ? notice(message) : null, h('div', { class: 'filters' }, yearSelect.group));

  if (POSITION_ROLES.includes(staff.role)) {
    const position = await get(`/api/v1/funds/${year}/position`, { signal }).catch((e) => (e instanceof ApiError && e.status === 403 ? null : Promise.reject(e)));
    if (position) append(main, positionSection(position, year));
  }

  const refresh = (text) => {
    flash = text;
    go(`#/acf?year=${year}`);
  };
  const byNpu = new Map();
  for (const b of items) byNpu.set(b.npuCode, [...(byNpu.get(b.npuCode) ?? []), b]);
  const bidsSection = section(`Bids for ${year.replace('-', '/')}`);
  if (!items.length) append(bidsSection, h('p', null, 'No bids for this year.'));
  for (const [npu, list] of [...byNpu.entries()].sort()) {
    append(bidsSection, h('h3', { class: 'npu-heading' }, npu), list.map((b) => bidCard(b, staff, refresh)));
  }
  append(main, bidsSection);
}

function positionSection(position, year) {
  const rows = position.items ?? position;
  const totals = position.totals;
  const columns = [
    { key: 'npuCode', label: 'NPU', render: (r) => (r.total ? h('strong', null, 'All NPUs') : r.npuCode) },
    { key: 'budgetPence', label: 'Budget', numeric: true, render: (r) => pounds(r.budgetPence) },
    { key: 'allocatedPence', label: 'Allocated', render: (r) => [pounds(r.allocatedPence), percentBar(r.percentAllocated, `${r.percentAllocated}% allocated`)] },
    { key: 'spentPence', label: 'Spent', render: (r) => [pounds(r.spentPence), percentBar(r.percentSpent, `${r.percentSpent}% spent`)] },
    { key: 'outstandingPence', label: 'Outstanding', numeric: true, render: (r) => pounds(r.outstandingPence) },
  ];
  return section(
    'Fund position',
    rows.length ? table(columns, totals ? [...rows, { ...totals, total: true }] : rows, { caption: `Position for ${year.replace('-', '/')}, outstanding = budget − spent`, id: 'fund-position' }) : h('p', null, 'No funds are set up for this year.'),
  );
}

function parsePounds(text) {
  const s = String(text).replace(/[£,\s]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return null;
  return Math.round(Number(s) * 100);
}

function bidCard(b, staff, refresh) {
  const errors = h('div');
  const card = h(
    'article',
    { class: 'card', 'data-bid': b.id, 'aria-labelledby': `bid-${b.id}` },
    errors,
    h('h4', { class: 'card-title', id: `bid-${b.id}` }, b.title, ' ', tag(b.status, BID_STATUSES)),
    summaryList([
      ['Applicant', `${b.applicantName} (${b.applicantType === 'group' ? 'group' : 'individual'})`],
      ['Theme', label(BID_THEMES, b.theme)],
      ['Requested', pounds(b.amountRequestedPence)],
      b.amountAwardedPence !== null ? ['Awarded', pounds(b.amountAwardedPence)] : null,
      b.amountAwardedPence !== null ? ['Paid', pounds(b.paidPence)] : null,
      ['Submitted', date(b.submittedAt)],
      b.decisionReason ? ['Reason', b.decisionReason] : null,
    ]),
    h('details', { class: 'details' }, h('summary', null, 'What the bid is for'), h('p', { class: 'pre-line' }, b.summary)),
  );
  const fail = (e) => showErrors(errors, [{ message: e instanceof ApiError ? e.message : 'That did not work. Try again.' }]);
  const sameNpu = staff.npuCode === null || staff.npuCode === b.npuCode;

  if (b.status === 'submitted' && CASEWORKERS.includes(staff.role) && sameNpu) {
    const review = button('Start review', {
      variant: 'secondary',
      onClick: async () => {
        review.disabled = true;
        try {
          await post(`/api/v1/bids/${b.id}/review`);
          refresh(`“${b.title}” is now under review.`);
        } catch (e) {
          review.disabled = false;
          fail(e);
        }
      },
    });
    review.dataset.action = 'review';
    append(card, review);
  }

  if (b.status === 'under_review' && DECIDERS.includes(staff.role) && sameNpu) {
    const amount = textInput({
      id: `award-${b.id}`,
      label: 'Amount to award, in pounds',
      hint: `Up to ${pounds(b.amountRequestedPence)}.`,
      value: (b.amountRequestedPence / 100).toFixed(2),
      width: 'short',
      inputmode: 'decimal',
      prefix: '£',
    });
    const approve = h('button', { type: 'submit', class: 'button button-primary', 'data-action': 'approve' }, 'Approve');
    const approveForm = h('form', { novalidate: true, class: 'inline-form' }, amount.group, approve);
    approveForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const pence = parsePounds(amount.input.value);
      if (!pence || pence > b.amountRequestedPence) return showErrors(errors, [{ field: amount.input.id, message: `Enter an amount between £0.01 and ${pounds(b.amountRequestedPence)}` }]);
      approve.disabled = true;
      try {
        await post(`/api/v1/bids/${b.id}/approve`, { amountAwardedPence: pence });
        refresh(`“${b.title}” approved: ${pounds(pence)} awarded.`);
      } catch (e) {
        approve.disabled = false;
        fail(e);
      }
    });
    const reason = textArea({ id: `reason-${b.id}`, label: 'Reason (sent to the applicant)', rows: 3, maxlength: 1000 });
    const reject = h('button', { type: 'submit', class: 'button button-warning', 'data-action': 'reject' }, 'Reject');
    const rejectForm = h('form', { novalidate: true }, reason.group, reject);
    rejectForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!reason.input.value.trim()) return showErrors(errors, [{ field: reason.input.id, message: 'Enter the reason for rejecting the bid' }]);
      reject.disabled = true;
      try {
        await post(`/api/v1/bids/${b.id}/reject`, { reason: reason.input.value.trim() });
        refresh(`“${b.title}” rejected.`);
      } catch (e) {
        reject.disabled = false;
        fail(e);
      }
    });
    append(card, approveForm, h('details', { class: 'details' }, h('summary', null, 'Reject this bid'), rejectForm));
  }
  return card;
}
