import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { NotificationService } from '@beacon/channels';
import { ResidentNotice, residentNotice } from './resident-notifications';
import { ResidentChannelRepository } from './resident-channel.repository';
import { ResidentRepository } from './resident.repository';

export type ResidentChannelName = 'email' | 'sms';

/**
 * The one way other libs change a resident's channels (residents owns resident_channel): a hard
 * bounce or a dead number suspends the address; an SMS STOP or START turns SMS off or on. Each
 * change and the resident's status move together in one transaction, so a resident whose last
 * channel goes off becomes 'unsubscribed' (a leaver) at once, whoever changed it.
 */
@Injectable()
export class ResidentChannelsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly channels: ResidentChannelRepository,
    private readonly residents: ResidentRepository,
    private readonly notifications: NotificationService,
  ) {}

  /**
   * MANAGE by text: queues a text with a link to their preferences (signed when the job runs,
   * see ResidentNotifications) to the resident's verified number, unless SMS is off or
   * suspended. Returns whether one was queued; callers must not tell the texter either way.
   */
  async textManageLink(residentId: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (!(await this.channels.smsTextable(residentId, tx))) return false;
      const job = residentNotice(ResidentNotice.manageLink, residentId);
      await this.notifications.enqueueSms(job.template, job.ref, { manager: tx });
      return true;
    });
  }

  /**
   * Stops using the address for everyone's messages (kept until the resident changes it or texts
   * START). With `manager`, inside the caller's transaction (so it commits with their rows).
   */
  async suspend(residentId: string, channel: ResidentChannelName, reason: string, manager?: EntityManager): Promise<void> {
    await this.inTransaction(manager, async (tx) => {
      await this.channels.suspend(residentId, channel, reason.slice(0, 200), tx);
      await this.residents.syncStatusWithChannels(residentId, tx);
    });
  }

  private inTransaction<T>(manager: EntityManager | undefined, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return manager ? work(manager) : this.db.transaction(work);
  }

  /**
   * A soft bounce (the mailbox full, the server down for days): counted, and the address is
   * suspended once `limit` have come in a row (SOFT_BOUNCE_SUSPEND_AFTER). Returns the run.
   */
  async recordSoftBounce(residentId: string, limit: number, reason: string, manager?: EntityManager): Promise<number> {
    return this.inTransaction(manager, async (tx) => {
      const run = await this.channels.addSoftBounce(residentId, tx);
      if (run >= limit) {
        await this.channels.suspend(residentId, 'email', `${run} soft bounces in a row, last: ${reason}`.slice(0, 200), tx);
        await this.residents.syncStatusWithChannels(residentId, tx);
      }
      return run;
    });
  }

  /** The address just worked (an e-mail came from it, through its reply address): the run of soft bounces ends. */
  async clearSoftBounces(residentId: string): Promise<void> {
    await this.db.transaction((tx) => this.channels.clearSoftBounces(residentId, tx));
  }

  /**
   * A complaint (the resident marked a message as spam: a feedback-loop report) is an
   * unsubscribe from e-mail: the channel goes off, as the unsubscribe link would turn it off, and
   * an e-mail-only resident becomes 'unsubscribed'. Returns whether it was on.
   */
  async unsubscribeEmail(residentId: string, manager?: EntityManager): Promise<boolean> {
    return this.inTransaction(manager, async (tx) => {
      const off = await this.residents.disableChannels(residentId, ['email'], tx);
      await this.residents.syncStatusWithChannels(residentId, tx);
      return off.length > 0;
    });
  }

  /**
   * STOP turns the resident's SMS channel off; START turns it back on and lifts a suspension
   * (they are texting from the number, so it works and they want messages again). Never creates
   * a channel the resident did not choose. Returns whether a channel row changed.
   */
  async setSmsOptIn(residentId: string, on: boolean): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const changed = await this.channels.setSmsEnabled(residentId, on, tx);
      await this.residents.syncStatusWithChannels(residentId, tx);
      return changed;
    });
  }
}
