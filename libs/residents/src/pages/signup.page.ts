import { AGE_BANDS, CHANNELS, ETHNICITIES, INTEREST_GROUPS, TOPICS } from '../resident.entity';
import { button, checkboxes, errorSummary, hidden, selectField, textField, type FieldErrors } from './form';
import { attr, html } from '@beacon/core';
import { AGE_BAND_LABELS, CHANNEL_LABELS, ETHNICITY_LABELS, INTEREST_LABELS, TOPIC_LABELS } from './labels';
import { layout } from './layout';
import type { WardGroup } from './wards';

export interface SignUpFormValues {
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  postcode?: string;
  wardCode?: string;
  channels: string[];
  topics: string[];
  interestGroups: string[];
  ageBand?: string;
  ethnicity?: string;
  language?: string;
  consent: boolean;
  source: string;
  campaignCode?: string;
}

const TITLE = 'Sign up for Beacon messages';
const FIELD_ORDER = ['firstName', 'lastName', 'postcode', 'wardCode', 'channels', 'email', 'phone', 'topics', 'interestGroups', 'ageBand', 'ethnicity', 'language', 'consent'];

export function signUpPage(values: SignUpFormValues, wards: WardGroup[], errors: FieldErrors = {}): string {
  const options = <T extends string>(list: readonly T[], labels: Record<T, string>) => list.map((v) => ({ value: v, label: labels[v] }));
  const consentError = errors.consent;
  return layout(
    TITLE,
    html`${errorSummary(errors, FIELD_ORDER)}
<h1>${TITLE}</h1>
<p class="lead">Get messages from your neighbourhood policing team about crime, appeals and events where you live.</p>
<form method="post" action="/signup" novalidate>
${hidden('source', values.source)}${values.campaignCode ? hidden('campaignCode', values.campaignCode) : ''}
<h2>About you</h2>
${textField('firstName', 'First name', values.firstName, errors, { autocomplete: 'given-name', maxlength: 80 })}
${textField('lastName', 'Last name (optional)', values.lastName, errors, { autocomplete: 'family-name', maxlength: 80 })}
${textField('postcode', 'Postcode', values.postcode, errors, { autocomplete: 'postal-code', width: 'short', hint: 'We use it to find your ward. For example, B33 8TH' })}
${selectField('wardCode', 'Your ward (if we cannot find your postcode)', wards, values.wardCode, errors, { placeholder: 'Choose your ward', hint: 'Leave this if you gave your postcode. Wards are grouped by policing area.' })}
<h2>How should we contact you?</h2>
${checkboxes('channels', 'Send me messages by', options(CHANNELS, CHANNEL_LABELS), values.channels, errors, { hint: 'Choose at least one.' })}
${textField('email', 'Email address', values.email, errors, { type: 'email', autocomplete: 'email', hint: 'Needed for messages by email.', maxlength: 254 })}
${textField('phone', 'UK mobile number', values.phone, errors, { type: 'tel', autocomplete: 'tel', width: 'medium', hint: 'Needed for text messages. For example, 07911 123456.' })}
<h2>What would you like to hear about?</h2>
${checkboxes('topics', 'Topics', options(TOPICS, TOPIC_LABELS), values.topics, errors, { hint: 'Leave them all unticked to hear about everything.' })}
${checkboxes('interestGroups', 'Anything that applies to you (optional)', options(INTEREST_GROUPS, INTEREST_LABELS), values.interestGroups, errors, {
      hint: 'Some messages are only for people with a particular interest, like dog walkers.',
    })}
<h2>About you (optional)</h2>
<p class="hint">This helps us check that we reach every community. You do not have to answer.</p>
${selectField('ageBand', 'Age', [{ options: options(AGE_BANDS, AGE_BAND_LABELS) }], values.ageBand, errors, { placeholder: 'Not given' })}
${selectField('ethnicity', 'Ethnic group', [{ options: options(ETHNICITIES, ETHNICITY_LABELS) }], values.ethnicity, errors, {
      placeholder: 'Not given',
      hint: 'The groups used by the 2021 census.',
    })}
${textField('language', 'Preferred language (optional)', values.language, errors, { width: 'medium', maxlength: 40 })}
<h2>Your agreement</h2>
<div class="form-group${consentError ? ' form-group-error' : ''}">
${consentError ? html`<p class="field-error" id="consent-error"><span class="visually-hidden">Error:</span> ${consentError}</p>` : ''}
<div class="checkbox-item"><input class="checkbox-input" type="checkbox" id="consent" name="consent" value="yes"${attr('checked', values.consent)}${attr('aria-describedby', consentError ? 'consent-error' : null)}${attr('aria-invalid', consentError ? 'true' : null)}><label class="checkbox" for="consent">I agree that my local police can send me messages and keep these details until I unsubscribe or ask for them to be deleted.</label></div>
</div>
${button('Sign up')}
</form>`,
    { hasErrors: Object.keys(errors).length > 0 },
  );
}

/** After a valid sign-up: what to do next, based only on what was typed (reveals nothing stored). */
export function signUpDonePage(sent: { email?: string; phone?: string }, codeForm?: ReturnType<typeof html>): string {
  const title = sent.phone && !sent.email ? 'Check your phone' : sent.phone ? 'Check your email and phone' : 'Check your email';
  return layout(
    title,
    html`<h1>${title}</h1>
${sent.email ? html`<p>We have sent a link to the email address you gave. Open it within 7 days to confirm your address.</p>` : ''}
${sent.phone ? html`<p>We have sent a 6-digit code to the mobile number you gave. Enter it below within 15 minutes.</p>${codeForm ?? ''}` : ''}
<p>If nothing arrives within a few minutes, check your spam folder or <a href="/signup">sign up again</a>.</p>`,
  );
}
