import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { RateLimiter } from '@beacon/core';
import type { ResidentChannelsService } from '@beacon/residents';
import type { RecipientRepository } from './recipient.repository';
import type { ReplyService } from './reply.service';
import { SmsInboundService, smsKeyword } from './sms-inbound.service';

describe('smsKeyword', () => {
  it('knows the opt-out and opt-in words, trimmed and in any case', () => {
    for (const w of ['STOP', ' stop ', 'StopAll', 'unsubscribe', 'CANCEL', 'end', 'Quit\n']) expect(smsKeyword(w)).toBe('stop');
    for (const w of ['START', 'start', ' Unstop ']) expect(smsKeyword(w)).toBe('start');
    for (const w of ['MANAGE', ' manage ', 'Manage\n']) expect(smsKeyword(w)).toBe('manage');
    for (const w of ['stop please', 'STOP!', 'the end', '', 'YES', 'manage my settings']) expect(smsKeyword(w)).toBeNull();
  });
});

describe('SmsInboundService', () => {
  Logger.overrideLogger(false);
  const make = (resident: { id: string; phoneVerified: boolean } | null, latest: string | null = 'msg-1') => {
    const recipients = {
      findResidentByPhone: jest.fn(async (_phone: string) => resident),
      latestSmsMessage: jest.fn(async () => latest),
    };
    const replies = { create: jest.fn(async (_reply: unknown) => null) };
    const channels = { setSmsOptIn: jest.fn(async (_id: string, _on: boolean) => true), textManageLink: jest.fn(async (_id: string) => true) };
    const limiter = { consume: jest.fn(async () => undefined) };
    const service = new SmsInboundService(
      recipients as unknown as RecipientRepository,
      replies as unknown as ReplyService,
      channels as unknown as ResidentChannelsService,
      limiter as unknown as RateLimiter,
    );
    return { service, recipients, replies, channels, limiter };
  };

  it('MANAGE is counted on the number before any look-up, texts a verified holder only, and is never a reply', async () => {
    const known = make({ id: 'res-1', phoneVerified: true });
    await known.service.receive({ from: '+447700900801', body: ' manage ' });
    expect(known.limiter.consume).toHaveBeenCalledTimes(1);
    expect(known.channels.textManageLink).toHaveBeenCalledWith('res-1');
    expect(known.replies.create).not.toHaveBeenCalled();
    for (const resident of [null, { id: 'res-2', phoneVerified: false }]) {
      const m = make(resident);
      await m.service.receive({ from: '+447700900802', body: 'MANAGE' });
      expect(m.limiter.consume).toHaveBeenCalledTimes(1);
      expect(m.channels.textManageLink).not.toHaveBeenCalled();
      expect(m.replies.create).not.toHaveBeenCalled();
    }
  });

  it('STOP and START switch the SMS channel and store no reply', async () => {
    const { service, channels, replies } = make({ id: 'res-1', phoneVerified: true });
    await service.receive({ from: '+447700900801', body: 'stop' });
    await service.receive({ from: '+447700900801', body: 'START' });
    expect(channels.setSmsOptIn.mock.calls).toEqual([
      ['res-1', false],
      ['res-1', true],
    ]);
    expect(replies.create).not.toHaveBeenCalled();
  });

  it('anything else is a reply to the latest SMS message', async () => {
    const { service, replies } = make({ id: 'res-1', phoneVerified: true }, 'msg-9');
    await service.receive({ from: ' +447700900801 ', body: 'Saw it', messageSid: 'SMx' });
    expect(replies.create).toHaveBeenCalledWith({ messageId: 'msg-9', residentId: 'res-1', body: 'Saw it', via: 'sms', providerId: 'SMx' });
  });

  it('drops unknown numbers, malformed numbers and empty texts', async () => {
    const unknown = make(null);
    await unknown.service.receive({ from: '+447700900999', body: 'Hello' });
    await unknown.service.receive({ from: '07700 900999', body: 'Hello' });
    expect(unknown.recipients.findResidentByPhone).toHaveBeenCalledTimes(1);
    expect(unknown.replies.create).not.toHaveBeenCalled();
    const known = make({ id: 'res-1', phoneVerified: true });
    await known.service.receive({ from: '+447700900801', body: '   ' });
    expect(known.replies.create).not.toHaveBeenCalled();
  });

  it('an unverified number can opt out, but its texts are not stored as replies', async () => {
    const { service, channels, replies } = make({ id: 'res-2', phoneVerified: false });
    await service.receive({ from: '+447700900801', body: 'Hello' });
    await service.receive({ from: '+447700900801', body: 'STOP' });
    expect(replies.create).not.toHaveBeenCalled();
    expect(channels.setSmsOptIn).toHaveBeenCalledWith('res-2', false);
  });
});
