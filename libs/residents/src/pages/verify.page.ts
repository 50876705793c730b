import { button, errorSummary, hidden, textField, type FieldErrors } from './form';
import { html, type SafeHtml } from '@beacon/core';
import { layout } from './layout';

/** The SMS code form. With a known (already normalised) phone it is a hidden field. */
export function smsCodeForm(phone: string | undefined, errors: FieldErrors = {}, phoneIsKnown = !!phone): SafeHtml {
  return html`<form method="post" action="/verify" novalidate>
${phoneIsKnown && phone ? hidden('phone', phone) : textField('phone', 'UK mobile number', phone, errors, { type: 'tel', autocomplete: 'tel', width: 'medium' })}
${textField('code', 'Code from the text message', '', errors, { inputmode: 'numeric', autocomplete: 'one-time-code', width: 'short', maxlength: 6, hint: 'It has 6 digits.' })}
${button('Confirm')}
</form>
${phoneIsKnown && phone ? html`<form method="post" action="/verify/resend">${hidden('phone', phone)}${button('Send me a new code', { variant: 'secondary' })}</form>` : ''}`;
}

export function smsCodePage(phone: string | undefined, errors: FieldErrors = {}, notice?: string): string {
  const title = 'Confirm your mobile number';
  return layout(
    title,
    html`${errorSummary(errors)}<h1>${title}</h1>
${notice ? html`<div class="notice" role="status"><p>${notice}</p></div>` : ''}
<p>Enter the 6-digit code we sent to your phone. Codes work for 15 minutes.</p>
${smsCodeForm(phone, errors, !!phone && !errors.phone)}`,
    { hasErrors: Object.keys(errors).length > 0 },
  );
}

export function verifiedPage(firstName: string | null, manageUrl: string): string {
  const title = 'You are signed up';
  return layout(
    title,
    html`<div class="panel"><h1>${title}</h1><p>${firstName ? html`Thank you, ${firstName}. ` : ''}You will now get messages from your local policing team.</p></div>
<p>You can change what you hear about, and how, at any time.</p>
<p><a class="button button-secondary" href="${manageUrl}">Manage your preferences</a></p>`,
  );
}
