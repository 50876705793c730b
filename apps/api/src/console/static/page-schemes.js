import { get, withQuery } from './api.js';
import { append, date, h, humanise, number, time } from './dom.js';
import { reportView } from './report-view.js';
import { heading, percentBar, section, table } from './ui.js';

const DAYS = 28;

/** Watch schemes with member counts, targets, and the patrol calendar for the next 4 weeks. */
export async function schemesPage({ main, staff, signal }) {
  const npu = staff.npuCode ?? undefined;
  const from = new Date();
  from.setHours(0, 0, 0, 0);
  const to = new Date(from.getTime() + DAYS * 24 * 3600 * 1000);
  const [types, schemes, patrols, report] = await Promise.all([
    get('/api/v1/scheme-types', { signal }).catch(() => []),
    get(withQuery('/api/v1/schemes', { npu, limit: 200 }), { signal }),
    get(withQuery('/api/v1/patrols', { npu, from: from.toISOString(), to: to.toISOString() }), { signal }).catch(() => null),
    get(withQuery('/api/v1/reports/schemes', { npu }), { signal }).catch(() => null),
  ]);
  const items = schemes.items ?? schemes;
  const typeNames = new Map((types.items ?? types).map((t) => [t.code, t.name]));
  const typeName = (code) => typeNames.get(code) ?? humanise(code);
  append(
    main,
    heading('Schemes and patrols'),
    section(
      'Watch schemes',
      items.length
        ? table(
            [
              { key: 'name', label: 'Scheme' },
              { key: 'type', label: 'Type', render: (s) => typeName(s.type) },
              { key: 'wardCode', label: 'Ward', render: (s) => s.wardName ?? s.wardCode },
              { key: 'coordinator', label: 'Coordinator', render: (s) => [s.coordinatorFirstName, s.coordinatorLastName].filter(Boolean).join(' ') || '–' },
              { key: 'memberCount', label: 'Members', numeric: true, render: (s) => number(s.memberCount ?? 0) },
              { key: 'status', label: 'Status', render: (s) => h('strong', { class: ['tag', s.status === 'active' ? 'tag-green' : 'tag-grey'] }, humanise(s.status ?? 'closed')) },
            ],
            items,
            { caption: `${number(items.length)} schemes${npu ? ` in ${npu}` : ''}` },
          )
        : h('p', null, 'No schemes yet.'),
    ),
  );
  if (report) append(main, targetsSection(report, typeName));
  if (patrols) append(main, calendar(patrols.items ?? patrols, from));
}

function targetsSection(report, typeName) {
  const rows = report.items ?? report.rows ?? (Array.isArray(report) ? report : null);
  if (!rows) return section('Against targets', reportView(report));
  return section(
    'Against targets',
    table(
      [
        { key: 'npuCode', label: 'NPU' },
        { key: 'type', label: 'Type', render: (r) => typeName(r.type) },
        { key: 'current', label: 'Schemes', numeric: true, render: (r) => number(r.current) },
        { key: 'members', label: 'Members', numeric: true, render: (r) => number(r.members) },
        { key: 'target', label: 'Target', render: (r) => (r.target ? percentBar((r.current / r.target) * 100, `${number(r.current)} of ${number(r.target)}`) : 'No target') },
        { key: 'dueDate', label: 'Due', render: (r) => (r.dueDate ? date(r.dueDate) : '–') },
      ],
      rows,
      { caption: 'Active schemes against each NPU’s target' },
    ),
  );
}

/** Patrols grouped by day. */
function calendar(patrols, from) {
  const byDay = new Map();
  for (const p of patrols) {
    const day = new Date(p.startsAt).toDateString();
    byDay.set(day, [...(byDay.get(day) ?? []), p]);
  }
  return section(
    `Patrols in the next ${DAYS} days`,
    byDay.size
      ? h(
          'ol',
          { class: 'calendar' },
          [...byDay.entries()].map(([day, list]) =>
            h(
              'li',
              { class: 'calendar-day' },
              h('h3', { class: 'calendar-date' }, new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(day))),
              h(
                'ul',
                { class: 'calendar-items' },
                list.map((p) =>
                  h(
                    'li',
                    null,
                    // A cancelled patrol stays on the calendar, marked, so the team sees the slot was called off.
                    p.status === 'cancelled' ? h('strong', { class: ['tag', 'tag-grey'] }, 'Cancelled') : null,
                    p.status === 'cancelled' ? ' ' : null,
                    h('strong', null, `${time(p.startsAt)}–${time(p.endsAt)}`),
                    ` ${p.scheme?.name ?? 'Street Watch'}${p.ward?.name ? ` (${p.ward.name})` : ''}: ${p.route ?? ''}`,
                    h('span', { class: 'hint-inline' }, ` (${number((p.volunteers ?? []).length || p.volunteerCount || 0)} volunteers${(p.volunteers ?? []).length ? `: ${p.volunteers.map((v) => v.firstName).join(', ')}` : ''})`),
                    p.cancellation?.reason ? h('span', { class: 'hint-inline' }, ` Cancelled: ${p.cancellation.reason}`) : null,
                  ),
                ),
              ),
            ),
          ),
        )
      : h('p', null, `No patrols planned from ${date(from.toISOString())}.`),
  );
}
