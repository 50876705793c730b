import type { Channel } from '../resident.entity';
import { button } from './form';
import { html } from '@beacon/core';
import { CHANNEL_LABELS, CHANNEL_PLURALS } from './labels';
import { layout, messagePage } from './layout';

export interface UnsubscribeView {
  token: string;
  channels: { channel: Channel; enabled: boolean; address: string | null }[];
}

export function unsubscribePage(v: UnsubscribeView): string {
  const title = 'Unsubscribe from Beacon messages';
  const on = v.channels.filter((c) => c.enabled);
  if (!on.length) return messagePage('You are unsubscribed', ['You are not getting any Beacon messages.']);
  return layout(
    title,
    html`<h1>${title}</h1>
<p>You get messages by:</p>
<ul class="list">${on.map((c) => html`<li>${CHANNEL_LABELS[c.channel]}${c.address ? html` (${c.address})` : ''}</li>`)}</ul>
<form method="post" action="/u/${v.token}">
<div class="button-group">
${on.map((c) => button(`Stop ${CHANNEL_PLURALS[c.channel]}`, { name: 'scope', value: c.channel, variant: 'secondary' }))}
${button('Stop all messages', { name: 'scope', value: 'all', variant: 'warning' })}
</div>
</form>`,
  );
}

export function unsubscribedPage(scope: Channel | 'all', stillOn: Channel[]): string {
  const what = scope === 'all' ? 'all Beacon messages' : `Beacon ${CHANNEL_PLURALS[scope]}`;
  return messagePage('You are unsubscribed', [
    `You have been unsubscribed from ${what}.`,
    stillOn.length ? `You will still get Beacon ${stillOn.map((c) => CHANNEL_PLURALS[c]).join(' and ')}.` : 'You will not get any more messages.',
    html`Changed your mind? <a href="/me">Manage your preferences</a>.`,
  ]);
}
