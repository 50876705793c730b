import type { EmailMessage, SmsMessage } from '@beacon/channels';
import { html, type SafeHtml } from '@beacon/core';

// One-off messages to a resident. Subjects carry no personal data; the HTML part escapes
// every value (names are whatever was typed into a public form). A message to an address not yet
// verified is fixed text: anyone can type anyone's address into a public form, so nothing they
// typed (a name, say) may reach it in a police-branded e-mail.

function emailHtml(heading: string, body: SafeHtml): string {
  return html`<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${heading}</title></head>
<body style="margin:0;padding:24px;font-family:Arial,sans-serif;font-size:19px;line-height:1.4;color:#0b0c0c;background:#ffffff">
<h1 style="font-size:28px;margin:0 0 16px">${heading}</h1>
${body}
<p style="color:#505a5f;font-size:16px;margin-top:32px">Beacon: community messages from your local police.</p>
</body></html>`.value;
}

const greeting = (firstName: string | null) => (firstName ? `Hello ${firstName},` : 'Hello,');
const linkButton = (url: string, label: string) =>
  html`<p><a href="${url}" style="display:inline-block;background:#00703c;color:#ffffff;padding:10px 16px;text-decoration:none;font-weight:bold">${label}</a></p>
<p style="font-size:16px">Or copy this link into your browser: <br>${url}</p>`;

/** To an unverified address: fixed text only (no name), see above. */
export function verifyEmailMessage(to: string, url: string): EmailMessage {
  const heading = 'Confirm your email address';
  return {
    to,
    subject: 'Confirm your email address for Beacon',
    text: `Hello,\n\nConfirm your email address to start getting messages from your local policing team:\n\n${url}\n\nThe link works for 7 days. If you did not ask for this, ignore this email and nothing will be sent to you.\n`,
    html: emailHtml(
      heading,
      html`<p>Hello,</p><p>Confirm your email address to start getting messages from your local policing team.</p>
${linkButton(url, 'Confirm my email address')}
<p>The link works for 7 days. If you did not ask for this, ignore this email and nothing will be sent to you.</p>`,
    ),
  };
}

export function alreadySubscribedEmail(to: string, firstName: string | null, url: string): EmailMessage {
  const heading = 'You are already signed up';
  return {
    to,
    subject: 'You are already signed up to Beacon',
    text: `${greeting(firstName)}\n\nSomeone (probably you) tried to sign this address up to Beacon, but it is already signed up. Nothing has changed.\n\nTo change what you get, use this link (it works for 1 hour):\n\n${url}\n\nIf this was not you, you can ignore this email.\n`,
    html: emailHtml(
      heading,
      html`<p>${greeting(firstName)}</p><p>Someone (probably you) tried to sign this address up to Beacon, but it is already signed up. Nothing has changed.</p>
${linkButton(url, 'Manage my preferences')}
<p>The link works for 1 hour. If this was not you, you can ignore this email.</p>`,
    ),
  };
}

export function signInEmail(to: string, firstName: string | null, url: string): EmailMessage {
  const heading = 'Sign in to Beacon';
  return {
    to,
    subject: 'Your Beacon sign-in link',
    text: `${greeting(firstName)}\n\nUse this link to manage your Beacon messages (it works for 1 hour):\n\n${url}\n\nIf you did not ask for it, you can ignore this email.\n`,
    html: emailHtml(
      heading,
      html`<p>${greeting(firstName)}</p><p>Use this link to manage your Beacon messages.</p>
${linkButton(url, 'Manage my preferences')}
<p>The link works for 1 hour. If you did not ask for it, you can ignore this email.</p>`,
    ),
  };
}

export function smsCodeMessage(to: string, code: string): SmsMessage {
  return { to, body: `Your Beacon code is ${code}. It expires in 15 minutes. If you did not sign up, ignore this text.` };
}

/** The answer to MANAGE: preferences only (a phone may be shared), so the link may live a day. */
export function manageLinkSms(to: string, url: string): SmsMessage {
  return { to, body: `Beacon: change what messages you get, and how, with this link (it works for 24 hours): ${url}` };
}

export function alreadySubscribedSms(to: string, url: string): SmsMessage {
  return { to, body: `This number is already signed up to Beacon. To manage your messages (link works for 1 hour): ${url}` };
}

/**
 * After an import (issue 18, the welcome option): to a verified address the resident gave the
 * system the force used before. Explains the move; links to their preferences and to stop.
 */
export function importWelcomeEmail(to: string, firstName: string | null, manageUrl: string, unsubscribeUrl: string): EmailMessage {
  const heading = 'Your community messages have moved to Beacon';
  return {
    to,
    subject: 'Your community messages now come from Beacon',
    text:
      `${greeting(firstName)}\n\nYour local policing team has moved its community messages to Beacon. You signed up on the system it used before, ` +
      `so your subscription has come across as it was: you do not need to sign up again, and you will keep getting the messages you chose.\n\n` +
      `To see or change what you get (the link works for 30 days):\n\n${manageUrl}\n\nTo stop all messages:\n\n${unsubscribeUrl}\n`,
    html: emailHtml(
      heading,
      html`<p>${greeting(firstName)}</p><p>Your local policing team has moved its community messages to Beacon. You signed up on the system it used before,
so your subscription has come across as it was: you do not need to sign up again, and you will keep getting the messages you chose.</p>
${linkButton(manageUrl, 'See or change what I get')}
<p>The link works for 30 days. <a href="${unsubscribeUrl}">Stop all messages</a>.</p>`,
    ),
  };
}

export function importWelcomeSms(to: string, manageUrl: string): SmsMessage {
  return { to, body: `Your local police messages have moved to Beacon. Nothing to do: you stay signed up. To change or stop them: ${manageUrl}` };
}
