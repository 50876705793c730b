import { formatPounds } from '../money';
import type { ApplicantEmail } from './applicant-notifier';

interface BidFacts {
  id: string;
  contactEmail: string;
  npuCode: string;
  financialYear: string;
  amountRequestedPence: number;
}

const sign = 'West Midlands Police — Active Citizens Fund';

// The contact address of a bid is never verified (anyone can type anyone's address into the
// public form), so these e-mails are fixed text: no title, applicant name or summary, nothing
// the applicant typed, in the subject or the body. The reference tells the applicant's bids
// apart; amounts are numbers; a rejection reason is staff's text.
const fund = (bid: BidFacts) => `the ${bid.npuCode} Active Citizens Fund ${bid.financialYear}`;

export function submissionEmail(bid: BidFacts): ApplicantEmail {
  return {
    to: bid.contactEmail,
    subject: 'We have received your Active Citizens Fund bid',
    text: [
      `Hello,`,
      ``,
      `Thank you for your bid to ${fund(bid)}, asking for ${formatPounds(bid.amountRequestedPence)}.`,
      `Your reference is ${bid.id}. We will e-mail you when a decision has been made.`,
      `If you did not send a bid, you can ignore this e-mail.`,
      ``,
      sign,
    ].join('\n'),
  };
}

export function approvalEmail(bid: BidFacts, amountAwardedPence: number): ApplicantEmail {
  return {
    to: bid.contactEmail,
    subject: 'Your Active Citizens Fund bid has been approved',
    text: [
      `Hello,`,
      ``,
      `Your bid to ${fund(bid)} (reference ${bid.id}) has been approved: you have been awarded ${formatPounds(amountAwardedPence)}.`,
      `Your neighbourhood team will be in touch about payment.`,
      ``,
      sign,
    ].join('\n'),
  };
}

export function rejectionEmail(bid: BidFacts, reason: string): ApplicantEmail {
  return {
    to: bid.contactEmail,
    subject: 'Decision on your Active Citizens Fund bid',
    text: [
      `Hello,`,
      ``,
      `We are sorry: your bid to ${fund(bid)} (reference ${bid.id}) has not been approved.`,
      `Reason: ${reason}`,
      ``,
      sign,
    ].join('\n'),
  };
}
