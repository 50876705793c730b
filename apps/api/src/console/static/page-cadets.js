import { ApiError, get, withQuery } from './api.js';
import { append, clear, date, h, humanise, number } from './dom.js';
import { heading, section, table } from './ui.js';

/**
 * Cadet and Junior PCSO units with member counts. Members are loaded only when a unit is
 * opened: the API decides what each role sees (children's dates of birth and guardians only
 * for admins and cadet leaders, and it audits each child shown).
 */
export async function cadetsPage({ main, staff, signal }) {
  const res = await get(withQuery('/api/v1/cadet-units', { npu: staff.npuCode ?? undefined, limit: 200 }), { signal });
  const units = res.items ?? res;
  append(main, heading('Cadets and Junior PCSOs'));
  if (!units.length) return append(main, h('p', null, 'No units yet.'));
  append(
    main,
    section(
      'Units',
      table(
        [
          { key: 'name', label: 'Unit' },
          { key: 'kind', label: 'Kind', render: (u) => (u.kind === 'junior_pcso' ? 'Junior PCSOs' : 'Cadets') },
          { key: 'npuCode', label: 'NPU' },
          { key: 'cadets', label: 'Cadets', numeric: true, render: (u) => number(u.cadets ?? 0) },
          { key: 'juniorPcsos', label: 'Junior PCSOs', numeric: true, render: (u) => number(u.juniorPcsos ?? 0) },
          { key: 'leaders', label: 'Leaders', numeric: true, render: (u) => number(u.leaders ?? 0) },
          { key: 'activeMembers', label: 'Active members', numeric: true, render: (u) => number(u.activeMembers ?? 0) },
        ],
        units,
        { caption: `${number(units.length)} units` },
      ),
    ),
    units.map((u) => unitMembers(u, signal)),
  );
}

function unitMembers(unit, signal) {
  const body = h('div', null, h('p', { class: 'hint' }, 'Loading…'));
  const details = h('details', { class: 'details', 'data-unit': unit.id }, h('summary', null, `Members of ${unit.name}`), body);
  let loaded = false;
  details.addEventListener('toggle', async () => {
    if (!details.open || loaded) return;
    loaded = true;
    try {
      const res = await get(`/api/v1/cadet-units/${unit.id}/members`, { signal });
      const members = res.items ?? res;
      clear(body);
      if (!members.length) return append(body, h('p', null, 'No members.'));
      const detailed = members.some((m) => 'dateOfBirth' in m || 'guardianName' in m);
      const columns = [
        { key: 'name', label: 'Name', render: (m) => [m.firstName, m.lastName].filter(Boolean).join(' ') },
        { key: 'role', label: 'Role', render: (m) => humanise(m.role ?? '') },
        { key: 'joinedAt', label: 'Joined', render: (m) => date(m.joinedAt) },
      ];
      if (detailed)
        columns.push(
          { key: 'dateOfBirth', label: 'Date of birth', render: (m) => (m.dateOfBirth ? date(m.dateOfBirth) : '–') },
          { key: 'guardian', label: 'Guardian', render: (m) => [m.guardianName, m.guardianPhone].filter(Boolean).join(', ') || '–' },
        );
      append(body, table(columns, members, { caption: `${number(members.length)} members` }));
    } catch (e) {
      clear(body);
      append(body, h('p', { class: 'field-error' }, e instanceof ApiError ? e.message : 'The members could not be loaded.'));
    }
  });
  return details;
}
