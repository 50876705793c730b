import { button, errorSummary, textField, type FieldErrors } from './form';
import { html } from '@beacon/core';
import { layout, messagePage } from './layout';

export function signInPage(email = '', errors: FieldErrors = {}, notice?: string): string {
  const title = 'Manage your Beacon messages';
  return layout(
    title,
    html`${errorSummary(errors)}<h1>${title}</h1>
${notice ? html`<div class="notice" role="status"><p>${notice}</p></div>` : ''}
<p>Enter the email address you signed up with and we will email you a link to sign in.</p>
<form method="post" action="/me/link" novalidate>
${textField('email', 'Email address', email, errors, { type: 'email', autocomplete: 'email', maxlength: 254 })}
${button('Email me a link')}
</form>
<p>Signed up by text message only? Use the link in any message we send you.</p>`,
    { hasErrors: Object.keys(errors).length > 0 },
  );
}

// The same page whether or not the address is known.
export const signInSentPage = () =>
  messagePage('Check your email', ['If that address is signed up to Beacon, we have emailed it a link to sign in. The link works for 1 hour.']);
