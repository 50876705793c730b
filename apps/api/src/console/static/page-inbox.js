import { ApiError, get, post, withQuery } from './api.js';
import { append, clear, dateTime, h } from './dom.js';
import { button, heading, select, showErrors, tag, textArea } from './ui.js';

const STATUSES = { open: 'Open', answered: 'Answered', closed: 'Closed' };
const VIA = { web: 'the website', sms: 'text message', email: 'email' };

/** Replies from residents, newest first, each with a box to answer (sent on the channel they used). */
export async function inboxPage({ main, signal, query, go }) {
  const status = query.get('status') ?? 'open';
  const filter = select({ id: 'inbox-status', label: 'Show', options: Object.entries(STATUSES), value: status });
  filter.input.addEventListener('change', () => go(`#/inbox?status=${filter.input.value}`));
  const list = h('div', { id: 'inbox-list' });
  append(main, heading('Inbox'), h('p', null, 'Replies from residents to your messages. Your answer goes back by the way they wrote to you.'), h('div', { class: 'filters' }, filter.group), list);
  await load(list, status, signal, null);
}

async function load(list, status, signal, cursor) {
  const page = await get(withQuery('/api/v1/inbox', { status, limit: 25, cursor }), { signal });
  if (!cursor) clear(list);
  list.querySelector('.more')?.remove();
  if (!page.items.length && !cursor) return append(list, h('p', null, status === 'open' ? 'No replies are waiting for an answer.' : 'Nothing here.'));
  append(list, page.items.map(replyCard));
  if (page.nextCursor) append(list, h('div', { class: 'more' }, button('Show older replies', { variant: 'secondary', onClick: () => load(list, status, signal, page.nextCursor) })));
}

function replyCard(r) {
  const errors = h('div');
  const answer = textArea({ id: `answer-${r.id}`, label: 'Your answer', rows: 3, maxlength: 1500, hint: 'Up to 1,500 characters. Signed with your team’s name.' });
  const send = h('button', { type: 'submit', class: 'button button-primary', 'data-action': 'answer' }, 'Send answer');
  const form = h('form', { novalidate: true, class: 'reply-form' }, errors, answer.group, h('div', { class: 'button-group' }, send));
  const statusSlot = h('span', null, tag(r.status, STATUSES));
  const card = h(
    'article',
    { class: 'card', 'data-reply': r.id, 'aria-labelledby': `reply-${r.id}-title` },
    h(
      'h2',
      { class: 'card-title', id: `reply-${r.id}-title` },
      `${r.resident?.firstName ?? 'A resident'}`,
      r.resident?.contact ? h('span', { class: 'hint-inline' }, ` (${r.resident.contact})`) : null,
      ' ',
      statusSlot,
    ),
    h('p', { class: 'card-meta' }, `By ${VIA[r.via] ?? r.via}, ${dateTime(r.createdAt)}`, r.message ? [' · about ', h('a', { href: `#/messages/${r.message.id}` }, r.message.title)] : ''),
    h('blockquote', { class: 'quote' }, r.body),
  );
  if (r.status !== 'closed') {
    const close = button('Close without answering', {
      variant: 'secondary',
      onClick: async () => {
        close.disabled = true;
        try {
          await post(`/api/v1/replies/${r.id}/close`);
          clear(statusSlot).append(tag('closed', STATUSES));
          form.remove();
        } catch (e) {
          close.disabled = false;
          showErrors(errors, [{ message: e instanceof ApiError ? e.message : 'That did not work. Try again.' }]);
        }
      },
    });
    form.querySelector('.button-group').append(close);
    append(card, form);
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const text = answer.input.value.trim();
    if (!text) return showErrors(errors, [{ field: answer.input.id, message: 'Enter your answer' }]);
    send.disabled = true;
    try {
      await post(`/api/v1/replies/${r.id}/responses`, { body: text });
      clear(statusSlot).append(tag('answered', STATUSES));
      form.replaceWith(h('div', { class: 'response' }, h('p', { class: 'card-meta' }, 'Your answer (sent)'), h('blockquote', { class: 'quote quote-staff' }, text)));
    } catch (e) {
      send.disabled = false;
      showErrors(errors, [{ field: answer.input.id, message: e instanceof ApiError ? e.message : 'Your answer was not sent. Try again.' }]);
    }
  });
  return card;
}
