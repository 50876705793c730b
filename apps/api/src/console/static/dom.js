// DOM building without HTML strings: every value reaches the page as a text node or an
// attribute set through the DOM, never through innerHTML (Trusted Types would refuse it).

const SAFE_URL = /^(#|\/(?!\/)|https?:\/\/|mailto:)/i;

function setAttrs(el, attrs) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) {
      if (typeof value !== 'function') throw new Error(`${name} must be a function`);
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'class') {
      el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    } else if (name === 'style') {
      // CSSOM, not the style attribute: allowed by the CSP, and never parses markup.
      for (const [prop, v] of Object.entries(value)) el.style.setProperty(prop, v);
    } else if (name === 'value' || name === 'checked' || name === 'selected' || name === 'indeterminate') {
      el[name] = value;
      if (name !== 'value' && name !== 'indeterminate') el.toggleAttribute(name, !!value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      const text = String(value);
      if ((name === 'href' || name === 'src' || name === 'action') && !SAFE_URL.test(text)) continue;
      el.setAttribute(name, text);
    }
  }
}

/** append(el, 'text', node, [more], null): strings become text nodes; null/false are skipped. */
export function append(parent, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false || child === '') continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** h('a', {href: '#/x'}, 'Text'): an element with attributes and children. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, ...children);
  // A select's value can only be set once its options exist.
  if (tag === 'select' && attrs && 'value' in attrs) el.value = attrs.value ?? '';
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value !== undefined && value !== null && value !== false) el.setAttribute(name, String(value));
  }
  append(el, ...children);
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

let idSeq = 0;
/** A unique element id (labels, aria-describedby). */
export const uid = (prefix = 'f') => `${prefix}-${++idSeq}`;

// ---- formatting (en-GB) ----

const numberFmt = new Intl.NumberFormat('en-GB');
const poundsFmt = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });
const dateTimeFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const dateFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
const timeFmt = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

export const number = (n) => (n === null || n === undefined ? '–' : numberFmt.format(n));
export const pounds = (pence) => (pence === null || pence === undefined ? '–' : poundsFmt.format(pence / 100));
export const dateTime = (iso) => (iso ? dateTimeFmt.format(new Date(iso)) : '–');
export const date = (iso) => (iso ? dateFmt.format(new Date(iso)) : '–');
export const time = (iso) => (iso ? timeFmt.format(new Date(iso)) : '');
/** 'under_review' → 'Under review' for values without a label. */
export const humanise = (key) => {
  const s = String(key)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
};
export const plural = (n, one, many = `${one}s`) => `${number(n)} ${n === 1 ? one : many}`;
