// The JSON API with the staff bearer token. The token lives in sessionStorage: it ends with
// the tab, is never sent automatically (no cookie, so no CSRF), and no other origin can read it.

const KEY = 'beacon.console.session';

export const session = {
  /** {accessToken, staff:{id, name, role, npuCode}} or null */
  get() {
    try {
      const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
      if (!s?.accessToken || !s.staff) return null;
      if (s.expiresAt && s.expiresAt <= Date.now()) {
        sessionStorage.removeItem(KEY);
        return null;
      }
      return s;
    } catch {
      return null;
    }
  },
  set(login) {
    sessionStorage.setItem(KEY, JSON.stringify({ ...login, expiresAt: tokenExpiry(login.accessToken) }));
  },
  clear() {
    sessionStorage.removeItem(KEY);
  },
};

/** The JWT's exp claim in ms (only to sign out on time; the server checks the signature). */
function tokenExpiry(token) {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}

export class ApiError extends Error {
  constructor(status, body) {
    super(Array.isArray(body?.message) ? body.message.join('; ') : (body?.message ?? `HTTP ${status}`));
    this.status = status;
    this.body = body;
    this.code = body?.code;
    this.details = body?.details;
  }
}

export async function api(method, path, body, { signal } = {}) {
  const s = session.get();
  const headers = { Accept: 'application/json' };
  if (s) headers.Authorization = `Bearer ${s.accessToken}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
    credentials: 'omit',
    cache: 'no-store',
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.status === 401 && s) {
    session.clear();
    window.dispatchEvent(new CustomEvent('beacon:signed-out', { detail: { expired: true } }));
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const get = (path, opts) => api('GET', path, undefined, opts);

/** A file from the API (a CSV report), saved through a temporary object URL: links cannot carry the token. */
export async function download(path, filename) {
  const s = session.get();
  const res = await fetch(path, { headers: s ? { Authorization: `Bearer ${s.accessToken}` } : {}, credentials: 'omit', cache: 'no-store' });
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
export const post = (path, body, opts) => api('POST', path, body ?? {}, opts);

/** '/api/v1/x' + {a: 1, b: undefined} → '/api/v1/x?a=1' */
export function withQuery(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** Whether a route exists and this user may call it: 404 (not deployed) and 403 (role) hide a page. */
export async function probe(path) {
  try {
    await get(path);
    return true;
  } catch (e) {
    return e instanceof ApiError && ![401, 403, 404].includes(e.status);
  }
}
