import { AGE_BANDS, ETHNICITIES, INTEREST_GROUPS, PRIORITIES, TOPICS, type Channel } from '../resident.entity';
import { button, checkboxes, errorSummary, hidden, selectField, textField, type FieldErrors } from './form';
import { attr, html } from '@beacon/core';
import { AGE_BAND_LABELS, CHANNEL_LABELS, ETHNICITY_LABELS, INTEREST_LABELS, PRIORITY_LABELS, TOPIC_LABELS } from './labels';
import { layout } from './layout';
import type { WardGroup } from './wards';

/**
 * 'full': opened from a sign-in (magic) link or a verification: contact details, data download
 * and deletion too. 'prefs': opened from the manage link in a message, which may have been
 * forwarded: preferences only.
 */
export type ManageLevel = 'full' | 'prefs';

export interface ManageChannelValues {
  channel: Channel;
  enabled: boolean;
  minPriority: string;
  /** What to show next to the channel (masked on the preferences-only page). */
  address: string | null;
  verified: boolean;
}

export interface ManageFormValues {
  wardCode: string;
  channels: ManageChannelValues[];
  topics: string[];
  interestGroups: string[];
  quietStart: string;
  quietEnd: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  postcode?: string;
  ageBand?: string;
  ethnicity?: string;
  language?: string;
}

export interface ManagePageInput {
  level: ManageLevel;
  /** Signed 'manage' token carried in a hidden field instead of a cookie (CSRF-safe). */
  token: string;
  values: ManageFormValues;
  wards: WardGroup[];
  unsubscribed: boolean;
  errors?: FieldErrors;
  notice?: string;
}

const TITLE = 'Manage your Beacon messages';
const FIELD_ORDER = ['firstName', 'lastName', 'email', 'phone', 'postcode', 'wardCode', 'channels', 'topics', 'interestGroups', 'quietStart', 'quietEnd', 'ageBand', 'ethnicity', 'language', 'confirm'];

export function managePage(p: ManagePageInput): string {
  const errors = p.errors ?? {};
  const v = p.values;
  const options = <T extends string>(list: readonly T[], labels: Record<T, string>) => list.map((x) => ({ value: x, label: labels[x] }));
  const channelBlock = (c: ManageChannelValues) => {
    const id = `channels-${c.channel}`;
    const status = c.address ? html` <span class="hint-inline">(${c.address}${c.verified ? '' : ', not confirmed yet'})</span>` : '';
    return html`<div class="channel">
<div class="checkbox-item"><input class="checkbox-input" type="checkbox" id="${id}" name="channels" value="${c.channel}"${attr('checked', c.enabled)}><label class="checkbox" for="${id}">${CHANNEL_LABELS[c.channel]}${status}</label></div>
${selectField(`minPriority-${c.channel}`, `Which messages by ${CHANNEL_LABELS[c.channel].toLowerCase()}?`, [{ options: options(PRIORITIES, PRIORITY_LABELS) }], c.minPriority, errors)}
</div>`;
  };
  const full = p.level === 'full';
  return layout(
    TITLE,
    html`${errorSummary(errors, FIELD_ORDER)}
<h1>${TITLE}</h1>
${p.notice ? html`<div class="notice" role="status"><p>${p.notice}</p></div>` : ''}
${p.unsubscribed ? html`<div class="notice"><p>You are not getting any messages at the moment. Tick a way to contact you and save to start again.</p></div>` : ''}
<form method="post" action="/me" novalidate>
${hidden('token', p.token)}
${full
  ? html`<h2>Your details</h2>
${textField('firstName', 'First name', v.firstName, errors, { autocomplete: 'given-name', maxlength: 80 })}
${textField('lastName', 'Last name (optional)', v.lastName, errors, { autocomplete: 'family-name', maxlength: 80 })}
${textField('email', 'Email address', v.email, errors, { type: 'email', autocomplete: 'email', maxlength: 254, hint: 'If you change it, we will email the new address to confirm it.' })}
${textField('phone', 'UK mobile number', v.phone, errors, { type: 'tel', autocomplete: 'tel', width: 'medium', hint: 'If you change it, we will text a code to confirm it.' })}
${textField('postcode', 'Postcode (optional)', v.postcode, errors, { autocomplete: 'postal-code', width: 'short' })}`
  : ''}
${selectField('wardCode', 'Your ward', p.wards, v.wardCode, errors)}
<div class="form-group${errors.channels ? ' form-group-error' : ''}" id="channels">
<fieldset class="fieldset"${attr('aria-describedby', errors.channels ? 'channels-error' : null)}>
<legend class="legend">How we contact you</legend>
${errors.channels ? html`<p class="field-error" id="channels-error"><span class="visually-hidden">Error:</span> ${errors.channels}</p>` : ''}
${v.channels.map(channelBlock)}
<p class="hint">Untick every box to stop all messages.</p>
</fieldset>
</div>
${checkboxes('topics', 'Topics', options(TOPICS, TOPIC_LABELS), v.topics, errors)}
${checkboxes('interestGroups', 'Anything that applies to you', options(INTEREST_GROUPS, INTEREST_LABELS), v.interestGroups, errors)}
<div class="form-group">
<fieldset class="fieldset" aria-describedby="quiet-hint">
<legend class="legend">Quiet hours for text messages (optional)</legend>
<p class="hint" id="quiet-hint">Texts that are not urgent wait until your quiet hours end. Leave both empty for none.</p>
<div class="inline-fields">
${textField('quietStart', 'From', v.quietStart, errors, { type: 'time', width: 'short' })}
${textField('quietEnd', 'Until', v.quietEnd, errors, { type: 'time', width: 'short' })}
</div>
</fieldset>
</div>
${full
  ? html`<h2>About you (optional)</h2>
${selectField('ageBand', 'Age', [{ options: options(AGE_BANDS, AGE_BAND_LABELS) }], v.ageBand, errors, { placeholder: 'Not given' })}
${selectField('ethnicity', 'Ethnic group', [{ options: options(ETHNICITIES, ETHNICITY_LABELS) }], v.ethnicity, errors, { placeholder: 'Not given' })}
${textField('language', 'Preferred language', v.language, errors, { width: 'medium', maxlength: 40 })}`
  : ''}
${button('Save changes')}
</form>
${full
  ? html`<h2>Your data</h2>
<form method="post" action="/me/export">${hidden('token', p.token)}${button('Download your data', { variant: 'secondary' })}</form>
<form method="post" action="/me/delete" novalidate>
${hidden('token', p.token)}
<div class="form-group${errors.confirm ? ' form-group-error' : ''}">
${errors.confirm ? html`<p class="field-error" id="confirm-error"><span class="visually-hidden">Error:</span> ${errors.confirm}</p>` : ''}
<div class="checkbox-item"><input class="checkbox-input" type="checkbox" id="confirm" name="confirm" value="yes"${attr('aria-describedby', errors.confirm ? 'confirm-error' : null)}><label class="checkbox" for="confirm">Delete my details. I understand this cannot be undone and I will stop getting messages.</label></div>
</div>
${button('Delete my data', { variant: 'warning' })}
</form>`
  : html`<p>To change your contact details, or to download or delete your data, <a href="/me">sign in with an email link</a>.</p>`}`,
    { hasErrors: Object.keys(errors).length > 0 },
  );
}
