import { get, withQuery } from './api.js';
import { append, dateTime, h } from './dom.js';
import { emailFrame, linkify } from './preview.js';
import { heading, notice, select } from './ui.js';

/** Dev: e-mails and texts the outbox transports wrote instead of sending (npm start without SMTP/Twilio). */
export async function outboxPage({ main, signal, query, go }) {
  const channel = query.get('channel') ?? '';
  const res = await get(withQuery('/api/v1/outbox', { channel, limit: 50 }), { signal });
  const filter = select({ id: 'outbox-channel', label: 'Show', options: [['email', 'Emails'], ['sms', 'Text messages']], placeholder: 'Everything', value: channel });
  filter.input.addEventListener('change', () => go(filter.input.value ? `#/outbox?channel=${filter.input.value}` : '#/outbox'));
  const t = res.transports ?? {};
  append(
    main,
    heading('Outbox', 'Development'),
    h('p', null, 'What Beacon would have sent while no email server or Twilio account is configured. Newest first.'),
    t.email === 'smtp' || t.sms === 'twilio'
      ? notice(`Emails go to ${t.email === 'smtp' ? 'the SMTP server' : 'this outbox'}; text messages go to ${t.sms === 'twilio' ? 'Twilio' : 'this outbox'}.`)
      : null,
    h('div', { class: 'filters' }, filter.group),
    res.items.length
      ? h(
          'ol',
          { class: 'outbox-list' },
          res.items.map((e) =>
            h(
              'li',
              { class: 'card', 'data-outbox': e.id },
              h('h2', { class: 'card-title' }, h('strong', { class: ['tag', e.channel === 'sms' ? 'tag-blue' : 'tag-green'] }, e.channel === 'sms' ? 'SMS' : 'Email'), ' ', e.subject ?? `To ${e.to}`),
              h('p', { class: 'card-meta' }, `To ${e.to}, ${dateTime(e.at)}`),
              h('pre', { class: 'plain-text' }, linkify(e.text ?? '')),
              e.html ? h('details', { class: 'details' }, h('summary', null, 'Show the email as residents see it'), emailFrame(e.html, `Email to ${e.to}`)) : null,
            ),
          ),
        )
      : h('p', null, 'The outbox is empty.'),
  );
}
