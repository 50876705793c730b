import { Injectable } from '@nestjs/common';
import { forbidden, InjectConfig, JobName, QueueService, type AppConfig, type StaffPrincipal } from '@beacon/core';
import { CANCEL_SLICE_ROWS } from './cancel-deliveries.job';
import { DeliveryRepository } from './delivery.repository';
import type { MessageEntity, MessageStatus } from './message.entity';
import { invalidTransition } from './message-errors';
import { MessageRepository } from './message.repository';
import { MessageService } from './message.service';
import { SendQueue, type DeliveryChannel } from './sending/send-queue';

/** Moving a message through its life: send (or ask for approval), approve, cancel, resume. */
@Injectable()
export class MessageLifecycleService {
  constructor(
    private readonly service: MessageService,
    private readonly messages: MessageRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly queue: QueueService,
    private readonly sendQueue: SendQueue,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * Two-person rule: a force-wide message (whole force, or more than one NPU) always waits for
   * a second person, whoever the author is, admins included, and no setting lowers that.
   * `OFFICER_MESSAGES_NEED_APPROVAL` can only add approvals (officers' NPU messages).
   */
  private needsApproval(staff: StaffPrincipal, m: MessageEntity): boolean {
    if (m.npuCode === null) return true;
    return staff.role === 'officer' && this.config.messaging.officerMessagesNeedApproval;
  }

  async send(staff: StaffPrincipal, id: string): Promise<{ status: MessageStatus }> {
    const m = await this.service.actionable(staff, id);
    if (m.status !== 'draft') throw invalidTransition(m.status, 'sent');
    if (this.needsApproval(staff, m)) {
      const moved = await this.messages.transition(id, ['draft'], 'pending_approval', { sendRequestedAt: new Date() });
      if (!moved) throw invalidTransition('no longer a draft', 'sent');
      return { status: 'pending_approval' };
    }
    return this.release(id, ['draft'], {});
  }

  async approve(staff: StaffPrincipal, id: string): Promise<{ status: MessageStatus }> {
    const m = await this.service.actionable(staff, id);
    if (m.status !== 'pending_approval') throw invalidTransition(m.status, 'approved');
    const allowed = staff.role === 'admin' || (staff.role === 'npu_lead' && m.npuCode !== null && staff.npuCode === m.npuCode);
    if (!allowed) throw forbidden(m.npuCode === null ? 'Force-wide messages are approved by an admin' : 'Approval needs the NPU lead or an admin');
    if (staff.id === m.authorId) throw forbidden('A message cannot be approved by its author');
    return this.release(id, ['pending_approval'], { approvedBy: staff.id, approvedAt: new Date() });
  }

  /** One transaction: the status change and the fan-out job commit together. */
  private async release(
    id: string,
    from: MessageStatus[],
    set: { approvedBy?: string; approvedAt?: Date },
  ): Promise<{ status: MessageStatus }> {
    return this.messages.transaction(async (tx) => {
      const current = await this.messages.findById(id, tx, { lock: true });
      if (!current || !from.includes(current.status)) throw invalidTransition(current?.status ?? 'gone', 'sent');
      const later = current.scheduledAt && current.scheduledAt.getTime() > Date.now();
      const status: MessageStatus = later ? 'scheduled' : 'sending';
      await this.messages.transition(id, from, status, { ...set, sendRequestedAt: new Date() }, tx);
      await this.queue.send(JobName.FanOut, { messageId: id }, { manager: tx, ...(later ? { startAfter: current.scheduledAt! } : { wake: true }) });
      return { status };
    });
  }

  async cancel(staff: StaffPrincipal, id: string): Promise<{ status: MessageStatus }> {
    const m = await this.service.actionable(staff, id);
    if (!['eco', 'npu_lead', 'admin'].includes(staff.role) && staff.id !== m.authorId) throw forbidden('Only the author, an ECO, the NPU lead or an admin can cancel');
    return this.messages.transaction(async (tx) => {
      const moved = await this.messages.transition(id, ['draft', 'pending_approval', 'scheduled', 'sending', 'paused'], 'cancelled', {}, tx);
      if (!moved) throw invalidTransition(m.status, 'cancelled');
      // A small message's queued rows are cancelled here and now (a large one's first slice);
      // the job, woken at commit, walks the rest in committed slices once any fan-out slice
      // still writing has committed, and takes the retries a send in flight puts back. (Whatever
      // the status was: one read before this transaction could be stale, and a lock on the row
      // to read it would wait for every fan-out slice, whose rows hold key-share locks on it.)
      await this.deliveries.cancelQueuedSlice(id, null, CANCEL_SLICE_ROWS, tx);
      await this.queue.send(JobName.CancelDeliveries, { messageId: id }, { manager: tx, wake: true });
      return { status: 'cancelled' as const };
    });
  }

  /**
   * Withdraws a sent message: its web version then says so (410). Who may cancel may withdraw
   * (NPU-scoped; officers their own only). Delivered e-mails and texts cannot be recalled.
   */
  async withdraw(staff: StaffPrincipal, id: string): Promise<MessageEntity> {
    const m = await this.service.actionable(staff, id);
    if (!['eco', 'npu_lead', 'admin'].includes(staff.role) && staff.id !== m.authorId) throw forbidden('Only the author, an ECO, the NPU lead or an admin can withdraw');
    if (m.withdrawnAt) throw invalidTransition('withdrawn', 'withdrawn again');
    if (m.status !== 'sent') throw invalidTransition(m.status, 'withdrawn (only a sent message is; cancel one still sending)');
    const withdrawn = await this.messages.withdraw(id, staff.id);
    if (!withdrawn) throw invalidTransition('withdrawn', 'withdrawn again');
    return withdrawn;
  }

  async resume(staff: StaffPrincipal, id: string): Promise<{ status: MessageStatus }> {
    const m = await this.service.actionable(staff, id);
    return this.messages.transaction(async (tx) => {
      const moved = await this.messages.transition(id, ['paused'], 'sending', { pausedReason: null }, tx);
      if (!moved) throw invalidTransition(m.status, 'resumed');
      for (const channel of m.channels as DeliveryChannel[]) await this.sendQueue.enqueue(id, channel, 0, { manager: tx });
      return { status: 'sending' as const };
    });
  }
}
