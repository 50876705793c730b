import { Injectable } from '@nestjs/common';
import { NotificationService } from '@beacon/channels';
import { DomainException, type StaffPrincipal } from '@beacon/core';
import type { CreateMessageDto } from './message.dto';
import type { MessageEntity } from './message.entity';
import { MessageRepository } from './message.repository';
import { TEST_TO_SELF_TEMPLATE } from './message-notifications';
import { MessageService } from './message.service';

/** What the console does to drafts besides compose and send: edit, duplicate, a test to oneself. */
@Injectable()
export class MessageDraftService {
  constructor(
    private readonly messages: MessageService,
    private readonly repo: MessageRepository,
    private readonly notifications: NotificationService,
  ) {}

  /** The same checks as compose (targets in the author's NPU, a future time); only drafts change. */
  async update(staff: StaffPrincipal, id: string, dto: CreateMessageDto): Promise<MessageEntity> {
    const current = await this.messages.actionable(staff, id);
    if (current.status !== 'draft') throw new DomainException('INVALID_TRANSITION', 'Only a draft can be changed');
    const updated = await this.repo.updateDraft(id, await this.messages.draftContent(staff, dto));
    if (!updated) throw new DomainException('INVALID_TRANSITION', 'Only a draft can be changed');
    return updated;
  }

  /** A new draft with the same content and audience, by the caller (checked as if they composed it). */
  async duplicate(staff: StaffPrincipal, id: string): Promise<MessageEntity> {
    const m = await this.messages.readable(staff, id);
    const future = m.scheduledAt && new Date(m.scheduledAt).getTime() > Date.now() ? new Date(m.scheduledAt).toISOString() : undefined;
    return this.messages.compose(staff, {
      title: m.title,
      body: m.body,
      category: m.category,
      priority: m.priority,
      channels: m.channels,
      audience: m.audience,
      scheduledAt: future,
      translations: Object.entries(m.translations ?? {}).map(([language, tr]) => ({ language, ...tr })),
    });
  }

  /** The e-mail as residents will get it (placeholder links), to the caller's own address. */
  async sendTestToSelf(staff: StaffPrincipal, id: string): Promise<{ to: string }> {
    await this.messages.previewContent(staff, id); // may they read it? (the job re-checks)
    await this.notifications.enqueueEmail(TEST_TO_SELF_TEMPLATE, { messageId: id, staffId: staff.id });
    return { to: staff.email };
  }
}
