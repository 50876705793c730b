// GOV.UK-style building blocks (classes from /assets/beacon.css), built with dom.js.
import { append, clear, h, uid } from './dom.js';
import { label, STATUS_TONES } from './labels.js';

/** The page heading; focus moves here after navigation so screen readers announce the page. */
export const heading = (text, caption) => [caption ? h('span', { class: 'caption' }, caption) : null, h('h1', { tabindex: '-1' }, text)];

export const tag = (status, labels = {}) => h('strong', { class: ['tag', `tag-${STATUS_TONES[status] ?? 'grey'}`] }, label(labels, status));

export const notice = (...content) => h('div', { class: 'notice', role: 'status' }, h('p', null, ...content));

export function button(text, { variant = 'primary', type = 'button', onClick, name, disabled, small } = {}) {
  return h('button', { type, class: ['button', `button-${variant}`, small && 'button-small'], onclick: onClick, name, disabled }, text);
}

/** A list of errors at the top of a form; links move focus to the field. */
export function errorSummary(errors) {
  if (!errors.length) return null;
  const box = h(
    'div',
    { class: 'error-summary', role: 'alert', tabindex: '-1' },
    h('h2', null, 'There is a problem'),
    h(
      'ul',
      null,
      errors.map((e) =>
        h(
          'li',
          null,
          e.field
            ? h(
                'a',
                {
                  href: `#${e.field}`,
                  onclick: (ev) => {
                    ev.preventDefault();
                    document.getElementById(e.field)?.focus();
                  },
                },
                e.message,
              )
            : e.message,
        ),
      ),
    ),
  );
  return box;
}

/** Puts an error summary into `slot` (replacing any) and focuses it. */
export function showErrors(slot, errors) {
  clear(slot);
  const box = errorSummary(errors);
  if (box) {
    slot.append(box);
    box.focus();
  }
}

function group(id, labelText, control, { hint, error, labelClass } = {}) {
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  const errorEl = error ? h('p', { class: 'field-error', id: `${id}-error` }, h('span', { class: 'visually-hidden' }, 'Error: '), error) : null;
  const describedBy = [hintEl && `${id}-hint`, errorEl && `${id}-error`].filter(Boolean).join(' ');
  if (describedBy) control.setAttribute('aria-describedby', describedBy);
  if (error) control.setAttribute('aria-invalid', 'true');
  return h('div', { class: ['form-group', error && 'form-group-error'] }, h('label', { for: id, class: labelClass }, labelText), hintEl, errorEl, control);
}

export function textInput({ id = uid('input'), name, label: text, hint, type = 'text', value = '', width = 'full', maxlength, autocomplete, inputmode, min, step, error, prefix }) {
  const input = h('input', { class: ['input', `input-${width}`], id, name: name ?? id, type, value, maxlength, autocomplete, inputmode, min, step, spellcheck: type === 'text' ? undefined : 'false' });
  const g = group(id, text, input, { hint, error });
  // A unit before the box (£): shown, but not read out again (the label says what it is).
  if (prefix) {
    const wrapper = h('div', { class: 'input-wrapper' }, h('span', { class: 'input-prefix', 'aria-hidden': 'true' }, prefix));
    input.replaceWith(wrapper);
    wrapper.append(input);
  }
  return { group: g, input };
}

export function textArea({ id = uid('textarea'), name, label: text, hint, value = '', rows = 5, maxlength, error }) {
  const input = h('textarea', { class: 'textarea', id, name: name ?? id, rows, maxlength });
  input.value = value;
  return { group: group(id, text, input, { hint, error }), input };
}

export function select({ id = uid('select'), name, label: text, hint, options, value, placeholder, error }) {
  const input = h(
    'select',
    { class: 'select', id, name: name ?? id, value },
    placeholder !== undefined ? h('option', { value: '' }, placeholder) : null,
    options.map(([v, t]) => h('option', { value: v }, t)),
  );
  return { group: group(id, text, input, { hint, error }), input };
}

/** Checkboxes sharing a name: `values()` gives the ticked ones. */
export function checkboxes({ id = uid('cb'), name, legend, hint, options, checked = [], small, error }) {
  const boxes = options.map(([v, t, itemHint]) => {
    const boxId = `${id}-${v}`;
    const input = h('input', { class: 'checkbox-input', type: 'checkbox', id: boxId, name: name ?? id, value: v, checked: checked.includes(v) });
    return {
      input,
      el: h('div', { class: 'checkbox-item' }, input, h('label', { class: 'checkbox', for: boxId }, t), itemHint ? h('p', { class: 'hint checkbox-hint' }, itemHint) : null),
    };
  });
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  const errorEl = error ? h('p', { class: 'field-error', id: `${id}-error` }, h('span', { class: 'visually-hidden' }, 'Error: '), error) : null;
  const fieldset = h(
    'fieldset',
    { class: 'fieldset', 'aria-describedby': [hintEl && `${id}-hint`, errorEl && `${id}-error`].filter(Boolean).join(' ') || undefined },
    h('legend', { class: 'legend' }, legend),
    hintEl,
    errorEl,
    h('div', { class: ['checkboxes', small && 'checkboxes-small'] }, boxes.map((b) => b.el)),
  );
  return {
    group: h('div', { class: ['form-group', error && 'form-group-error'], id }, fieldset),
    inputs: boxes.map((b) => b.input),
    values: () => boxes.filter((b) => b.input.checked).map((b) => b.input.value),
  };
}

export function radios({ id = uid('radio'), name, legend, hint, options, value, inline }) {
  const items = options.map(([v, t, itemHint]) => {
    const itemId = `${id}-${v}`;
    const input = h('input', { class: 'radio-input', type: 'radio', id: itemId, name: name ?? id, value: v, checked: v === value });
    return {
      input,
      el: h('div', { class: 'radio-item' }, input, h('label', { class: 'radio', for: itemId }, t), itemHint ? h('p', { class: 'hint radio-hint' }, itemHint) : null),
    };
  });
  return {
    group: h(
      'div',
      { class: 'form-group', id },
      h(
        'fieldset',
        { class: 'fieldset', 'aria-describedby': hint ? `${id}-hint` : undefined },
        h('legend', { class: 'legend' }, legend),
        hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
        h('div', { class: ['radios', inline && 'radios-inline'] }, items.map((i) => i.el)),
      ),
    ),
    inputs: items.map((i) => i.input),
    value: () => items.find((i) => i.input.checked)?.input.value,
  };
}

/** Key/value rows (GOV.UK summary list). */
export const summaryList = (rows) =>
  h(
    'dl',
    { class: 'summary-list' },
    rows.filter(Boolean).map(([k, v]) => h('div', { class: 'summary-list-row' }, h('dt', null, k), h('dd', null, v))),
  );

/**
 * A table: columns [{key, label, numeric?, render?(row)}]. Tables scroll sideways on small
 * screens inside a focusable region, so keyboard users can scroll too.
 */
export function table(columns, rows, { caption, id, captionHidden } = {}) {
  const regionId = id ?? uid('table');
  return h(
    'div',
    { class: 'table-wrap', role: 'region', tabindex: '0', 'aria-labelledby': caption ? `${regionId}-caption` : undefined, 'aria-label': caption ? undefined : 'Table' },
    h(
      'table',
      { class: 'table', id: regionId },
      caption ? h('caption', { class: captionHidden ? 'visually-hidden' : 'table-caption', id: `${regionId}-caption` }, caption) : null,
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.numeric && 'numeric' }, c.label)))),
      h(
        'tbody',
        null,
        rows.map((row) =>
          h(
            'tr',
            null,
            columns.map((c, i) => {
              const value = c.render ? c.render(row) : row[c.key];
              return i === 0 && c.rowHeader !== false ? h('th', { scope: 'row', class: c.numeric && 'numeric' }, value) : h('td', { class: c.numeric && 'numeric' }, value);
            }),
          ),
        ),
      ),
    ),
  );
}

/** A horizontal bar for a percentage, with the number as text (colour is never the only cue). */
export function percentBar(percent, text) {
  const p = Math.max(0, Math.min(100, Number(percent) || 0));
  return h(
    'div',
    { class: 'meter' },
    h('div', { class: 'meter-track', 'aria-hidden': 'true' }, h('div', { class: ['meter-fill', percent > 100 && 'meter-over'], style: { width: `${p}%` } })),
    h('span', { class: 'meter-text' }, text ?? `${Math.round(Number(percent) || 0)}%`),
  );
}

/** Runs `work`, turning the button into a busy state; resolves to work's result. */
export async function busy(btn, work) {
  const was = btn.textContent;
  btn.disabled = true;
  btn.setAttribute('aria-disabled', 'true');
  try {
    return await work();
  } finally {
    btn.disabled = false;
    btn.removeAttribute('aria-disabled');
    btn.textContent = was;
  }
}

export function section(title, ...content) {
  return h('section', { class: 'section' }, h('h2', null, title), ...content);
}

export { append, clear, h };
