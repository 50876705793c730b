import { formatPounds } from '../money';
import type { ApplicantEmail } from './applicant-notifier';

interface BidFacts {
  id: string;
  contactEmail: string;
  applicantName: string;
  title: string;
  npuCode: string;
  financialYear: string;
  amountRequestedPence: number;
}

const sign = 'West Midlands Police — Active Citizens Fund';

export function submissionEmail(bid: BidFacts): ApplicantEmail {
  return {
    to: bid.contactEmail,
    subject: `We have received your bid: ${bid.title}`,
    text: [
      `Dear ${bid.applicantName},`,
      ``,
      `Thank you for your bid "${bid.title}" to the ${bid.npuCode} Active Citizens Fund ${bid.financialYear}, asking for ${formatPounds(bid.amountRequestedPence)}.`,
      `Your reference is ${bid.id}. We will e-mail you when a decision has been made.`,
      ``,
      sign,
    ].join('\n'),
  };
}

export function approvalEmail(bid: BidFacts, amountAwardedPence: number): ApplicantEmail {
  return {
    to: bid.contactEmail,
    subject: `Your bid has been approved: ${bid.title}`,
    text: [
      `Dear ${bid.applicantName},`,
      ``,
      `Your bid "${bid.title}" (reference ${bid.id}) has been approved: you have been awarded ${formatPounds(amountAwardedPence)}.`,
      `Your neighbourhood team will be in touch about payment.`,
      ``,
      sign,
    ].join('\n'),
  };
}

export function rejectionEmail(bid: BidFacts, reason: string): ApplicantEmail {
  return {
    to: bid.contactEmail,
    subject: `Decision on your bid: ${bid.title}`,
    text: [
      `Dear ${bid.applicantName},`,
      ``,
      `We are sorry: your bid "${bid.title}" (reference ${bid.id}) has not been approved.`,
      `Reason: ${reason}`,
      ``,
      sign,
    ].join('\n'),
  };
}
