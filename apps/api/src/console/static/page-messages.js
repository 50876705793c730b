import { get, withQuery } from './api.js';
import { ratingDistribution } from './charts.js';
import { append, clear, dateTime, h, number } from './dom.js';
import { CATEGORIES, label, MESSAGE_STATUSES } from './labels.js';
import { button, heading, select, table, tag } from './ui.js';

const WRITERS = ['admin', 'eco', 'officer', 'npu_lead'];
const PAGE_SIZE = 20;

export async function messagesPage({ main, staff, signal, query, go }) {
  const status = query.get('status') ?? '';
  const filter = select({
    id: 'status-filter',
    label: 'Show',
    options: Object.entries(MESSAGE_STATUSES),
    placeholder: 'All messages',
    value: status,
  });
  filter.input.addEventListener('change', () => go(filter.input.value ? `#/messages?status=${filter.input.value}` : '#/messages'));
  const list = h('div', { id: 'message-list' });
  append(
    main,
    heading('Messages'),
    WRITERS.includes(staff.role) ? h('p', null, h('a', { href: '#/compose', class: 'button button-primary', 'data-action': 'compose' }, 'New message')) : null,
    h('div', { class: 'filters' }, filter.group),
    list,
  );
  await loadPage(list, { status, signal }, null);
}

async function loadPage(container, { status, signal }, cursor) {
  const page = await get(withQuery('/api/v1/messages', { status, limit: PAGE_SIZE, cursor }), { signal });
  if (!cursor) clear(container);
  if (!page.items.length && !cursor) {
    append(container, h('p', null, status ? 'No messages with this status.' : 'No messages yet.'));
    return;
  }
  // Ratings and reply counts come with each message's detail (the engagement lib adds them).
  const withFigures = await Promise.all(
    page.items.map((m) => (['sent', 'sending', 'paused'].includes(m.status) ? get(`/api/v1/messages/${m.id}`, { signal }).catch(() => m) : m)),
  );
  const engaged = withFigures.some((m) => m.rating !== undefined);
  const columns = [
    { key: 'title', label: 'Message', render: (m) => h('a', { href: `#/messages/${m.id}` }, m.title) },
    { key: 'status', label: 'Status', render: (m) => tag(m.status, MESSAGE_STATUSES) },
    { key: 'category', label: 'Category', render: (m) => label(CATEGORIES, m.category) },
    { key: 'recipientCount', label: 'Recipients', numeric: true, render: (m) => (m.recipientCount === null ? '–' : number(m.recipientCount)) },
    { key: 'when', label: 'Date', render: (m) => dateTime(m.sentAt ?? m.scheduledAt ?? m.createdAt) },
  ];
  if (engaged) {
    columns.push({ key: 'rating', label: 'Rating', render: (m) => (m.rating?.count ? ratingDistribution(m.rating, { compact: true }) : h('span', { class: 'hint-inline' }, 'None yet')) });
    columns.push({ key: 'replyCount', label: 'Replies', numeric: true, render: (m) => number(m.replyCount ?? 0) });
  }
  container.querySelector('.more')?.remove();
  append(container, table(columns, withFigures, { caption: cursor ? 'More messages' : 'Messages, newest first' }));
  if (page.nextCursor) {
    const more = button('Show older messages', { variant: 'secondary', onClick: () => loadPage(container, { status, signal }, page.nextCursor) });
    append(container, h('div', { class: 'more' }, more));
  }
}
