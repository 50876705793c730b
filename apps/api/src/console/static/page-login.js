import { ApiError, api, session } from './api.js';
import { append, h } from './dom.js';
import { busy, heading, notice, showErrors, textInput } from './ui.js';

export async function loginPage({ main, query, onSignedIn }) {
  const errors = h('div');
  const email = textInput({ id: 'email', label: 'Email address', type: 'email', autocomplete: 'username', width: 'medium', maxlength: 254 });
  const password = textInput({ id: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', width: 'medium', maxlength: 200 });
  // Admins and NPU leads (STAFF_MFA_REQUIRED_ROLES) also give the code from their authenticator app,
  // enrolled at /console/mfa in the new console.
  const totp = textInput({ id: 'totp', label: 'Code from your authenticator app (if you have set one up)', type: 'text', autocomplete: 'one-time-code', width: 'medium', maxlength: 8 });
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, 'Sign in');
  const form = h('form', { novalidate: true, class: 'narrow' }, email.group, password.group, totp.group, submit);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const problems = [];
    if (!email.input.value.trim()) problems.push({ field: 'email', message: 'Enter your email address' });
    if (!password.input.value) problems.push({ field: 'password', message: 'Enter your password' });
    if (problems.length) return showErrors(errors, problems);
    await busy(submit, async () => {
      try {
        const code = totp.input.value.replace(/\s/g, '');
        const res = await api('POST', '/api/v1/auth/staff/login', { email: email.input.value.trim(), password: password.input.value, ...(code ? { totp: code } : {}) });
        session.set(res);
        password.input.value = '';
        await onSignedIn(res.staff);
      } catch (e) {
        const message =
          e instanceof ApiError && e.status === 429
            ? 'Too many attempts. Wait a few minutes and try again.'
            : e instanceof ApiError && e.status === 403
              ? 'Set up your authenticator app first: sign in at /console, then sign in here with its code'
              : e instanceof ApiError && (e.status === 401 || e.status === 400)
              ? 'Enter a correct email address, password and (if you have set one up) authenticator code'
              : 'Sorry, there is a problem with the service. Try again later.';
        showErrors(errors, [{ field: 'email', message }]);
      }
    });
  });

  append(
    main,
    errors,
    heading('Sign in to the Beacon console'),
    query.get('expired') ? notice('Your session has ended. Sign in again.') : null,
    h('p', null, 'For police staff and volunteers of the neighbourhood policing teams.'),
    form,
  );
  if (session.get() === null) email.input.focus();
}
