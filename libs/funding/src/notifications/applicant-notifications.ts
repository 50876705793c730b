import { Injectable } from '@nestjs/common';
import { NotificationComposerProvider, type Compose, type EmailMessage, type NotificationComposer } from '@beacon/channels';
import { BidRepository } from '../bids/bid.repository';
import { approvalEmail, rejectionEmail, submissionEmail } from './applicant-emails';

/** Funding's e-mails to applicants; ref: `{ bidId }`. */
export const ApplicantNotice = {
  submitted: 'funding.bid-submitted',
  approved: 'funding.bid-approved',
  rejected: 'funding.bid-rejected',
} as const;

/** Renders them from the bid row when the job runs (the queue holds the bid id, not the applicant's name or address). */
@NotificationComposerProvider()
@Injectable()
export class ApplicantNotifications implements NotificationComposer {
  constructor(private readonly bids: BidRepository) {}

  private bid = async (bidId: string | undefined) => (bidId ? this.bids.findById(bidId) : null);

  readonly email: Record<string, Compose<EmailMessage>> = {
    [ApplicantNotice.submitted]: async (ref) => {
      const bid = await this.bid(ref.bidId);
      return bid ? submissionEmail(bid) : null;
    },
    [ApplicantNotice.approved]: async (ref) => {
      const bid = await this.bid(ref.bidId);
      return bid && bid.amountAwardedPence !== null ? approvalEmail(bid, bid.amountAwardedPence) : null;
    },
    [ApplicantNotice.rejected]: async (ref) => {
      const bid = await this.bid(ref.bidId);
      return bid?.status === 'rejected' ? rejectionEmail(bid, bid.decisionReason ?? '') : null;
    },
  };
}
