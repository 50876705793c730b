import { ApiError, get, post } from './api.js';
import { ratingDistribution } from './charts.js';
import { append, clear, dateTime, h, number } from './dom.js';
import { CATEGORIES, CHANNELS, INTEREST_GROUPS, label, MESSAGE_STATUSES, PRIORITIES, TOPICS } from './labels.js';
import { emailFrame } from './preview.js';
import { button, heading, notice, percentBar, section, showErrors, summaryList, tag } from './ui.js';

const WRITERS = ['admin', 'eco', 'officer', 'npu_lead'];
const POLL_MS = 2000;

export async function messageDetailPage({ main, staff, id, signal, setTitle, go, sections }) {
  const m = await get(`/api/v1/messages/${id}`, { signal });
  setTitle(m.title);
  const errors = h('div');
  const slots = {
    summary: h('div', { id: 'summary' }),
    actions: h('div', { id: 'actions' }),
    progress: h('div', { id: 'progress' }),
    engagement: h('div', { id: 'engagement' }),
  };
  const render = (msg) => {
    renderSummary(slots.summary, msg);
    renderActions(slots.actions, msg, { staff, id, errors, go });
    renderProgress(slots.progress, msg);
    renderEngagement(slots.engagement, msg, sections);
  };

  append(main, h('p', null, h('a', { href: '#/messages', class: 'back-link' }, 'All messages')), errors, heading(m.title), slots.summary);
  if (m.status === 'draft') {
    append(main, notice('This is a draft. Check who will get it and how it looks, then send it.'));
    if (WRITERS.includes(staff.role)) {
      const counts = await get(`/api/v1/messages/${id}/audience`, { signal }).catch(() => null);
      if (counts)
        append(
          main,
          section(
            'Who will get it',
            h(
              'p',
              { id: 'draft-audience' },
              h('strong', null, number(counts.total)),
              ` ${counts.total === 1 ? 'resident' : 'residents'}`,
              m.channels.includes('email') ? `, ${number(counts.byChannel.email)} by email` : '',
              m.channels.includes('sms') ? `, ${number(counts.byChannel.sms)} by text message` : '',
              '.',
            ),
          ),
        );
    }
  } else if (m.status === 'pending_approval') {
    append(main, notice('Waiting for approval. It is sent as soon as it is approved.'));
  }
  append(main, slots.actions, slots.progress, slots.engagement);
  render(m);

  const preview = await get(`/api/v1/messages/${id}/preview`, { signal }).catch(() => null);
  if (preview) append(main, renderPreview(preview, m.status === 'draft'));

  // While it is sending, refresh every 2 seconds (stops when the user leaves the page).
  if (m.status === 'sending') poll(id, signal, render);
}

function renderSummary(slot, m) {
  const a = m.audience ?? {};
  clear(slot).append(
    summaryList([
      ['Status', h('span', { id: 'message-status' }, tag(m.status, MESSAGE_STATUSES))],
      ['Category', label(CATEGORIES, m.category)],
      ['Priority', label(PRIORITIES, m.priority)],
      ['Send by', m.channels.map((c) => label(CHANNELS, c)).join(', ')],
      ['Areas', m.wardCodes?.length ? `${m.npuCode ?? 'Several NPUs'}: ${m.wardCodes.length} ${m.wardCodes.length === 1 ? 'ward' : 'wards'} (${m.wardCodes.join(', ')})` : 'Whole force'],
      a.topics?.length ? ['Topics', a.topics.map((t) => label(TOPICS, t)).join(', ')] : null,
      a.interestGroups?.length ? ['Groups', a.interestGroups.map((g) => label(INTEREST_GROUPS, g)).join(', ')] : null,
      a.schemeIds?.length ? ['Schemes', `${a.schemeIds.length} watch ${a.schemeIds.length === 1 ? 'scheme' : 'schemes'}`] : null,
      ['Created', dateTime(m.createdAt)],
      m.scheduledAt ? ['Scheduled for', dateTime(m.scheduledAt)] : null,
      m.sentAt ? ['Sent', dateTime(m.sentAt)] : null,
      m.recipientCount !== null && m.recipientCount !== undefined ? ['Recipients', number(m.recipientCount)] : null,
      m.pausedReason ? ['Paused because', m.pausedReason] : null,
    ]),
  );
}

/** The buttons for the state the message is in. */
function renderActions(slot, m, { staff, id, errors, go }) {
  clear(slot);
  const isWriter = WRITERS.includes(staff.role);
  const act = async (btn, path) => {
    btn.disabled = true;
    try {
      await post(`/api/v1/messages/${id}/${path}`);
      go(`#/messages/${id}`);
    } catch (e) {
      btn.disabled = false;
      showErrors(errors, [{ message: e instanceof ApiError ? e.message : 'Sorry, that did not work. Try again.' }]);
    }
  };
  const add = (text, action, path, variant) => {
    const b = button(text, { variant, onClick: () => act(b, path) });
    b.dataset.action = action;
    return b;
  };
  const buttons = [];
  if (isWriter && m.status === 'draft') {
    const later = m.scheduledAt && new Date(m.scheduledAt).getTime() > Date.now();
    buttons.push(add(later ? `Schedule for ${dateTime(m.scheduledAt)}` : 'Send message', 'send', 'send'));
  }
  if (m.status === 'pending_approval' && (staff.role === 'admin' || staff.role === 'npu_lead') && staff.id !== m.authorId) buttons.push(add('Approve and send', 'approve', 'approve'));
  if (m.status === 'paused' && ['admin', 'eco', 'npu_lead'].includes(staff.role)) buttons.push(add('Resume sending', 'resume', 'resume'));
  if (isWriter && ['draft', 'pending_approval', 'scheduled', 'sending', 'paused'].includes(m.status)) {
    buttons.push(add(m.status === 'draft' ? 'Discard draft' : 'Cancel message', 'cancel', 'cancel', 'warning'));
  }
  if (buttons.length) append(slot, h('div', { class: 'button-group' }, buttons));
}

// Progress is counted on every read (one GROUP BY over the message's deliveries: milliseconds for
// a ward, about half a second for a force-wide million), so the page waits ten times as long as
// the last answer took, at least POLL_MS and at most MAX_POLL_MS: watchers of a big broadcast
// never keep the database busy.
const MAX_POLL_MS = 30_000;

async function poll(id, signal, render) {
  let status = 'sending';
  let wait = POLL_MS;
  while (status === 'sending' && !signal.aborted) {
    await new Promise((resolve) => {
      const t = setTimeout(resolve, wait);
      signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
    if (signal.aborted) return;
    const started = performance.now();
    try {
      const m = await get(`/api/v1/messages/${id}`, { signal });
      wait = Math.min(MAX_POLL_MS, Math.max(POLL_MS, 10 * (performance.now() - started)));
      status = m.status;
      render(m);
    } catch {
      // A failed refresh is retried on the next tick.
    }
  }
}

function renderProgress(slot, m) {
  clear(slot);
  const p = m.progress;
  if (!p || !p.total) return;
  const done = p.sent + p.delivered + (p.unknown ?? 0);
  const pct = (n) => (p.total ? (n / p.total) * 100 : 0);
  append(
    slot,
    section(
      'Delivery',
      h('div', { class: 'progress', 'data-status': m.status }, percentBar(pct(done + p.failed), `${number(done + p.failed)} of ${number(p.total)} processed`)),
      summaryList([
        ['Waiting to send', number(p.queued)],
        ['Sent', number(p.sent)],
        ['Delivered (confirmed)', number(p.delivered)],
        ['Failed or bounced', number(p.failed)],
        p.unknown ? ['Outcome unknown (no answer from the provider in time; not resent)', number(p.unknown)] : null,
        p.cancelled ? ['Cancelled', number(p.cancelled)] : null,
      ]),
      m.status === 'sending' ? h('p', { class: 'hint', 'aria-live': 'polite' }, 'Sending. This page updates every 2 seconds.') : null,
    ),
  );
}

function renderEngagement(slot, m, sections) {
  clear(slot);
  if (m.rating === undefined && m.replyCount === undefined) return;
  append(
    slot,
    section(
      'How residents rated it',
      ratingDistribution(m.rating),
      m.replyCount !== undefined
        ? h('p', null, `${number(m.replyCount)} ${m.replyCount === 1 ? 'reply' : 'replies'}`, m.replyCount && sections.has('inbox') ? [' – ', h('a', { href: '#/inbox' }, 'answer them in the inbox')] : '')
        : null,
    ),
  );
}

function renderPreview(preview, open) {
  const parts = [];
  if (preview.email) {
    parts.push(
      h('h3', null, 'Email'),
      summaryList([['Subject', preview.email.subject]]),
      emailFrame(preview.email.html, `Email preview: ${preview.email.subject}`),
      h('details', { class: 'details' }, h('summary', null, 'Plain text version'), h('pre', { class: 'plain-text' }, preview.email.text)),
    );
  }
  if (preview.sms) {
    parts.push(
      h('h3', null, 'Text message'),
      h('div', { class: 'sms-bubble', id: 'sms-preview' }, preview.sms.body),
      h('p', { class: 'hint' }, `${number(preview.sms.characters)} characters, ${preview.sms.segments} SMS ${preview.sms.segments === 1 ? 'segment' : 'segments'} per resident.`),
    );
  }
  parts.push(h('p', { class: 'hint' }, 'Links in the preview are placeholders: each resident gets their own rating and unsubscribe links.'));
  return open
    ? section('How residents will see it', ...parts)
    : h('details', { class: 'details section' }, h('summary', null, 'How residents saw it'), ...parts);
}
