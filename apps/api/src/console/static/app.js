// The console's entry point: session, navigation by role and hash routing (#/messages…).
import { ApiError, get, probe, session } from './api.js';
import { append, clear, h } from './dom.js';
import { label, ROLES } from './labels.js';
import { acfPage } from './page-acf.js';
import { cadetsPage } from './page-cadets.js';
import { composePage } from './page-compose.js';
import { inboxPage } from './page-inbox.js';
import { loginPage } from './page-login.js';
import { messageDetailPage } from './page-message.js';
import { messagesPage } from './page-messages.js';
import { outboxPage } from './page-outbox.js';
import { schemesPage } from './page-schemes.js';
import { simPage } from './page-sim.js';
import { heading } from './ui.js';

const WRITERS = ['admin', 'eco', 'officer', 'npu_lead'];
const ALL = ['admin', 'eco', 'officer', 'npu_lead', 'cadet_leader', 'analyst'];

/**
 * Sections of the console. `roles` mirrors the API's access rules; `probe` is a cheap call
 * whose 404 (lib not deployed) or 403 hides the section, so the console adapts to the server.
 */
const SECTIONS = [
  { id: 'messages', text: 'Messages', roles: ALL, page: messagesPage },
  { id: 'compose', text: 'New message', roles: WRITERS, page: composePage },
  { id: 'inbox', text: 'Inbox', roles: WRITERS, probe: '/api/v1/inbox?limit=1', page: inboxPage },
  { id: 'acf', text: 'Active Citizens Fund', roles: ['admin', 'eco', 'officer', 'npu_lead', 'analyst'], page: acfPage },
  { id: 'schemes', text: 'Schemes and patrols', roles: ALL, probe: '/api/v1/schemes?limit=1', page: schemesPage },
  { id: 'cadets', text: 'Cadets', roles: ALL, probe: '/api/v1/cadet-units?limit=1', page: cadetsPage },
  // A bad month is answered 400 by a deployed reports lib (after the role check), without building a report.
  { id: 'sim', text: 'Reports', roles: ['admin', 'eco', 'officer', 'npu_lead', 'analyst'], probe: '/api/v1/reports/sim?month=probe', page: simPage },
  { id: 'outbox', text: 'Outbox', roles: ['admin', 'eco'], probe: '/api/v1/outbox?limit=1', page: outboxPage },
];

// Where each role starts.
const HOME = { analyst: ['sim', 'acf', 'messages'], cadet_leader: ['cadets', 'messages'] };

let available = null; // ids of sections this user can use (after probing)
let current = null; // {controller} of the page on screen
let firstRender = true;

const main = () => document.getElementById('main');

async function loadSections(staff) {
  const mine = SECTIONS.filter((s) => s.roles.includes(staff.role));
  const ok = await Promise.all(mine.map((s) => (s.probe ? probe(s.probe) : true)));
  available = new Set(mine.filter((_, i) => ok[i]).map((s) => s.id));
}

function renderChrome(staff, activeId) {
  const nav = document.getElementById('nav');
  const account = document.getElementById('account');
  clear(nav);
  clear(account);
  if (!staff) {
    nav.hidden = true;
    return;
  }
  nav.hidden = false;
  append(
    nav,
    h(
      'div',
      { class: 'width-container' },
      h(
        'ul',
        { class: 'console-nav-list' },
        SECTIONS.filter((s) => available?.has(s.id)).map((s) =>
          h('li', null, h('a', { href: `#/${s.id}`, class: 'console-nav-link', 'aria-current': s.id === activeId ? 'page' : undefined, 'data-section': s.id }, s.text)),
        ),
      ),
    ),
  );
  append(
    account,
    h('span', { class: 'console-user' }, staff.name, h('span', { class: 'console-role' }, ` (${label(ROLES, staff.role)}, ${staff.npuCode ?? 'force-wide'})`)),
    h('button', { type: 'button', class: 'console-signout', onclick: signOut, 'data-action': 'sign-out' }, 'Sign out'),
  );
}

function signOut() {
  session.clear();
  available = null;
  location.hash = '#/login';
}

function parse(hash) {
  const path = hash.replace(/^#/, '') || '/';
  const parts = path.split('?')[0].split('/').filter(Boolean);
  const query = new URLSearchParams(path.split('?')[1] ?? '');
  return { parts, query };
}

async function route() {
  const hash = location.hash;
  // Only '#/…' is a route; '#main' (the skip link) and other fragments stay in-page anchors.
  if (hash && !hash.startsWith('#/')) return;
  current?.controller.abort();
  document.body.dataset.ready = 'false';
  const controller = new AbortController();
  current = { controller };
  const el = main();
  const { parts, query } = parse(hash);
  const staff = session.get()?.staff ?? null;

  if (!staff || parts[0] === 'login') {
    if (staff && parts[0] === 'login') return go(homeFor(staff));
    renderChrome(null);
    clear(el);
    document.title = 'Sign in – Beacon console';
    await loginPage({ main: el, signal: controller.signal, query, onSignedIn });
    return finish(el);
  }
  if (!available) await loadSections(staff);
  const id = parts[0] ?? '';
  const section = SECTIONS.find((s) => s.id === id);
  if (!section || !available.has(id)) return go(homeFor(staff));
  renderChrome(staff, id);
  clear(el);
  const ctx = {
    main: el,
    staff,
    params: parts.slice(1),
    query,
    signal: controller.signal,
    sections: available,
    setTitle: (t) => (document.title = `${t} – Beacon console`),
    go,
  };
  try {
    document.title = `${section.text} – Beacon console`;
    if (section.id === 'messages' && parts[1]) await messageDetailPage({ ...ctx, id: parts[1] });
    else await section.page(ctx);
  } catch (e) {
    if (controller.signal.aborted || e?.name === 'AbortError') return;
    renderFailure(el, e);
  }
  if (!controller.signal.aborted) finish(el);
}

function finish(el) {
  // After navigation (not the first load), focus the heading so it is announced.
  if (!firstRender) el.querySelector('h1')?.focus();
  firstRender = false;
  document.body.dataset.ready = 'true';
}

function renderFailure(el, e) {
  clear(el);
  const status = e instanceof ApiError ? e.status : 0;
  if (status === 403) append(el, heading('You cannot see this page'), h('p', null, e.message));
  else if (status === 404) append(el, heading('Not found'), h('p', null, e.message));
  else if (status === 401) return;
  else append(el, heading('Sorry, there is a problem'), h('p', null, e?.message ?? 'Try again later.'));
  append(el, h('p', null, h('a', { href: '#/' }, 'Go to the start')));
}

export function go(path) {
  if (location.hash === path) route();
  else location.hash = path;
}

function homeFor(staff) {
  const prefs = HOME[staff.role] ?? ['messages'];
  return `#/${prefs.find((id) => available?.has(id)) ?? 'messages'}`;
}

async function onSignedIn(staff) {
  available = null;
  await loadSections(staff);
  go(homeFor(staff));
}

window.addEventListener('hashchange', route);
window.addEventListener('beacon:signed-out', () => {
  available = null;
  location.hash = '#/login?expired=1';
});
document.getElementById('loading')?.remove();
route();
