import type { StaffRole } from '@beacon/core';

// Who may do what with the fund: the API's controllers and the console's pages use these lists.
/** Work a bid through its review (not analysts: they only read). */
export const BID_CASEWORKERS: StaffRole[] = ['admin', 'npu_lead', 'eco', 'officer'];
/** Decide on money: approvals, rejections, payments. */
export const BID_DECIDERS: StaffRole[] = ['admin', 'npu_lead'];
/** Align a bid to a staff member of its NPU. */
export const BID_ASSIGNERS: StaffRole[] = ['admin', 'npu_lead', 'eco', 'officer', 'cadet_leader'];
/** Force-wide management information: the fund position of every NPU. */
export const FUND_POSITION_READERS: StaffRole[] = ['admin', 'analyst', 'npu_lead', 'eco'];
/** Set an NPU's voting round. */
export const VOTING_ROUND_SETTERS: StaffRole[] = ['admin', 'npu_lead'];
