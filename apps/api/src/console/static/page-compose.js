import { ApiError, get, post, withQuery } from './api.js';
import { append, clear, h, number, uid } from './dom.js';
import { CATEGORIES, CHANNELS, INTEREST_GROUPS, PRIORITIES, PRIORITY_HINTS, TOPICS } from './labels.js';
import { checkboxes, heading, radios, select, showErrors, textArea, textInput } from './ui.js';

/**
 * Compose: the message, its channels and its audience (NPU → neighbourhood → ward, topics,
 * interest groups, schemes), with a live count per channel from
 * POST /api/v1/messages/audience-preview. "Save and preview" stores a draft and opens it,
 * where the e-mail and SMS can be checked before sending.
 */
export async function composePage({ main, staff, signal, sections, go }) {
  const npus = await get('/api/v1/npus', { signal });
  // NPU-bound staff can only target their own NPU (the API answers 403 otherwise).
  const mine = staff.npuCode ? npus.filter((n) => n.code === staff.npuCode) : npus;
  const schemes = sections.has('schemes') ? await get(withQuery('/api/v1/schemes', { npu: staff.npuCode, limit: 200 }), { signal }).catch(() => null) : null;

  const errors = h('div');
  const title = textInput({ id: 'title', label: 'Title', hint: 'The e-mail subject, and the start of the text message.', maxlength: 200 });
  const body = textArea({ id: 'body', label: 'Message', hint: 'Plain text. Web addresses become links in e-mails. Text messages are cut to 3 SMS.', rows: 8, maxlength: 5000 });
  const bodyCount = h('p', { class: 'hint character-count', id: 'body-count', 'aria-live': 'polite' }, 'You can enter up to 5,000 characters');
  body.input.addEventListener('input', () => {
    bodyCount.textContent = `${number(body.input.value.length)} of 5,000 characters`;
  });
  const category = select({ id: 'category', label: 'Category', options: Object.entries(CATEGORIES), value: 'community_update' });
  const priority = radios({
    id: 'priority',
    name: 'priority',
    legend: 'Priority',
    options: Object.entries(PRIORITIES).map(([v, t]) => [v, t, PRIORITY_HINTS[v]]),
    value: 'standard',
  });
  const channels = checkboxes({ id: 'channels', name: 'channels', legend: 'Send by', options: Object.entries(CHANNELS), checked: ['email'] });

  const tree = audienceTree(mine, signal);
  const topics = checkboxes({
    id: 'topics',
    name: 'topics',
    legend: 'Only residents who want to hear about (optional)',
    hint: 'Leave all unticked to reach everyone in the areas.',
    options: Object.entries(TOPICS),
    small: true,
  });
  const interests = checkboxes({
    id: 'interestGroups',
    name: 'interestGroups',
    legend: 'Only these groups of residents (optional)',
    options: Object.entries(INTEREST_GROUPS),
    small: true,
  });
  const schemeItems = Array.isArray(schemes?.items) ? schemes.items : Array.isArray(schemes) ? schemes : [];
  const schemeBoxes = schemeItems.length
    ? checkboxes({
        id: 'schemeIds',
        name: 'schemeIds',
        legend: 'Members of these watch schemes (optional)',
        options: schemeItems.map((s) => [s.id, `${s.name}${s.wardCode ? ` (${s.wardCode})` : ''}`]),
        small: true,
      })
    : null;

  const when = radios({ id: 'when', name: 'when', legend: 'When', options: [['now', 'Send as soon as it is approved or sent'], ['later', 'Schedule for later']], value: 'now' });
  const scheduledAt = textInput({ id: 'scheduledAt', label: 'Date and time', type: 'datetime-local', width: 'medium', hint: 'UK time.' });
  const reveal = h('div', { class: 'conditional', hidden: true }, scheduledAt.group);
  when.inputs.forEach((i) => i.addEventListener('change', () => (reveal.hidden = when.value() !== 'later')));

  const count = h('div', { class: 'audience-count', id: 'recipient-count', 'aria-live': 'polite', 'aria-atomic': 'true' }, 'Choose how to send it to see how many residents it reaches.');
  const submit = h('button', { type: 'submit', class: 'button button-primary', 'data-action': 'save-draft' }, 'Save and preview');

  const audience = () => {
    const a = { ...tree.selection() };
    const t = topics.values();
    const g = interests.values();
    const s = schemeBoxes?.values() ?? [];
    if (t.length) a.topics = t;
    if (g.length) a.interestGroups = g;
    if (s.length) a.schemeIds = s;
    return a;
  };

  // Live count: only the newest answer is shown.
  let seq = 0;
  let timer;
  const recount = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const mySeq = ++seq;
      const ch = channels.values();
      if (!ch.length) {
        count.textContent = 'Choose email, text message or both.';
        return;
      }
      count.dataset.state = 'counting';
      try {
        const res = await post('/api/v1/messages/audience-preview', { channels: ch, audience: audience(), priority: priority.value() }, { signal });
        if (mySeq !== seq) return;
        clear(count);
        append(
          count,
          h('p', { class: 'audience-total' }, h('strong', { 'data-count': 'total' }, number(res.total)), ` ${res.total === 1 ? 'resident' : 'residents'} will get this message`),
          h(
            'ul',
            { class: 'audience-channels' },
            ch.includes('email') ? h('li', null, 'By email: ', h('strong', { 'data-count': 'email' }, number(res.byChannel.email))) : null,
            ch.includes('sms') ? h('li', null, 'By text message: ', h('strong', { 'data-count': 'sms' }, number(res.byChannel.sms))) : null,
          ),
          tree.isEmpty() ? h('p', { class: 'hint' }, noAreaHint(staff, !!schemeBoxes?.values().length)) : null,
        );
        count.dataset.state = 'done';
      } catch (e) {
        if (e?.name === 'AbortError' || mySeq !== seq) return;
        count.dataset.state = 'error';
        count.textContent = e instanceof ApiError ? `Cannot count: ${e.message}` : 'Cannot count the audience right now.';
      }
    }, 250);
  };

  const form = h(
    'form',
    { novalidate: true, class: 'compose' },
    h(
      'div',
      { class: 'compose-main' },
      title.group,
      body.group,
      bodyCount,
      category.group,
      priority.group,
      channels.group,
      h('h2', null, 'Who should get it?'),
      tree.el,
      topics.group,
      interests.group,
      schemeBoxes?.group,
      h('h2', null, 'When should it go?'),
      when.group,
      reveal,
      submit,
    ),
    h('aside', { class: 'compose-side', 'aria-label': 'Recipients' }, h('h2', { class: 'side-heading' }, 'Recipients'), count),
  );
  form.addEventListener('change', (ev) => {
    if (ev.target.closest('#title, #body, #category, #when, #scheduledAt')) return;
    recount();
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const problems = [];
    if (!title.input.value.trim()) problems.push({ field: 'title', message: 'Enter a title' });
    if (!body.input.value.trim()) problems.push({ field: 'body', message: 'Enter the message' });
    const ch = channels.values();
    if (!ch.length) problems.push({ field: 'channels-email', message: 'Choose email, text message or both' });
    let at;
    if (when.value() === 'later') {
      const v = scheduledAt.input.value;
      at = v ? new Date(v) : null;
      if (!at || Number.isNaN(at.getTime())) problems.push({ field: 'scheduledAt', message: 'Enter the date and time to send it' });
      else if (at.getTime() < Date.now()) problems.push({ field: 'scheduledAt', message: 'The time to send it must be in the future' });
    }
    if (problems.length) return showErrors(errors, problems);
    submit.disabled = true;
    try {
      const msg = await post('/api/v1/messages', {
        title: title.input.value.trim(),
        body: body.input.value.trim(),
        category: category.input.value,
        priority: priority.value(),
        channels: ch,
        audience: audience(),
        ...(at ? { scheduledAt: at.toISOString() } : {}),
      });
      go(`#/messages/${msg.id}`);
    } catch (e) {
      submit.disabled = false;
      showErrors(errors, [{ message: e instanceof ApiError ? e.message : 'Sorry, the message could not be saved. Try again.' }]);
    }
  });

  append(main, errors, heading('New message'), form);
  recount();
}

function noAreaHint(staff, schemesChosen) {
  if (schemesChosen) return 'No area chosen: members of the chosen schemes who match.';
  if (staff.npuCode) return `No area chosen: everyone in ${staff.npuCode} who matches.`;
  return `No area chosen: the whole force.${staff.role === 'admin' ? '' : ' An administrator must approve it.'}`;
}

/** NPU → neighbourhood → ward checkboxes. Ticking an area includes (and locks) everything inside it. */
function audienceTree(npus, signal) {
  const nodes = []; // {kind, value, input, parent}
  const el = h('div', { class: 'tree', id: 'audience-tree' });
  const single = npus.length === 1;

  const box = (kind, value, text, parent, extra) => {
    const id = uid(`aud-${kind}`);
    const input = h('input', { class: 'checkbox-input', type: 'checkbox', id, value, 'data-kind': kind });
    const node = { kind, value, input, parent };
    nodes.push(node);
    input.addEventListener('change', () => {
      for (const n of nodes) if (isInside(n, node)) {
        n.input.checked = input.checked;
        n.input.disabled = input.checked;
      }
    });
    return { node, el: h('div', { class: 'checkbox-item checkbox-item-small' }, input, h('label', { class: 'checkbox', for: id }, text, extra ? h('span', { class: 'hint-inline' }, ` ${extra}`) : null)) };
  };

  for (const npu of npus) {
    const bodyEl = h('div', { class: 'tree-body' }, h('p', { class: 'hint' }, 'Loading areas…'));
    const details = h('details', { class: 'tree-npu', open: single, 'data-npu': npu.code }, h('summary', null, h('span', { class: 'tree-npu-name' }, npu.name), ` (${npu.code})`), bodyEl);
    let loaded = false;
    const load = async () => {
      if (loaded) return;
      loaded = true;
      const [hoods, wards] = await Promise.all([get(withQuery('/api/v1/neighbourhoods', { npu: npu.code }), { signal }), get(withQuery('/api/v1/wards', { npu: npu.code }), { signal })]);
      clear(bodyEl);
      const top = box('npu', npu.code, `All of ${npu.name}`, null);
      append(bodyEl, top.el);
      for (const nb of hoods) {
        const nbBox = box('neighbourhood', nb.id, `${nb.name} neighbourhood`, top.node);
        const wardEls = wards
          .filter((w) => w.neighbourhood === nb.name)
          .map((w) => box('ward', w.code, w.name, nbBox.node, w.population ? `(${number(w.population)} people)` : '').el);
        append(bodyEl, h('div', { class: 'tree-neighbourhood' }, nbBox.el, h('div', { class: 'tree-wards' }, wardEls)));
      }
    };
    details.addEventListener('toggle', () => details.open && load().catch(() => append(clear(bodyEl), h('p', { class: 'field-error' }, 'Could not load the areas.'))));
    if (single) load().catch(() => {});
    append(el, details);
  }

  const picked = (kind) => nodes.filter((n) => n.kind === kind && n.input.checked && !n.input.disabled).map((n) => n.value);
  return {
    el: h('fieldset', { class: 'fieldset tree-fieldset', 'aria-describedby': 'audience-hint' }, h('legend', { class: 'legend' }, 'Areas'), h('p', { class: 'hint', id: 'audience-hint' }, 'Tick an NPU, neighbourhoods or wards. Open an NPU to see its areas.'), el),
    selection() {
      const a = {};
      const npuCodes = picked('npu');
      const neighbourhoodIds = picked('neighbourhood');
      const wardCodes = picked('ward');
      if (npuCodes.length) a.npuCodes = npuCodes;
      if (neighbourhoodIds.length) a.neighbourhoodIds = neighbourhoodIds;
      if (wardCodes.length) a.wardCodes = wardCodes;
      return a;
    },
    isEmpty: () => !nodes.some((n) => n.input.checked),
  };
}

function isInside(node, ancestor) {
  for (let p = node.parent; p; p = p.parent) if (p === ancestor) return true;
  return false;
}
