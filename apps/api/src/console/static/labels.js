// What staff read for each stored value. The lists mirror the API's enums (the console e2e
// test checks they stay in step with MESSAGE_CATEGORIES, TOPICS, INTEREST_GROUPS…).

export const CATEGORIES = {
  crime_alert: 'Crime alert',
  appeal: 'Appeal for information',
  anti_social_behaviour: 'Anti-social behaviour',
  crime_prevention: 'Crime prevention advice',
  event: 'Event',
  meeting: 'Community meeting',
  road_safety: 'Road safety',
  fraud_scam: 'Fraud or scam',
  missing_person: 'Missing person',
  community_update: 'Community update',
  other: 'Other',
};

export const PRIORITIES = {
  information: 'Information',
  standard: 'Standard',
  urgent: 'Urgent',
};

export const PRIORITY_HINTS = {
  information: 'General news. Residents can choose not to get these.',
  standard: 'Most messages.',
  urgent: 'Risk to people or property now. Texts ignore residents’ quiet hours.',
};

export const CHANNELS = { email: 'Email', sms: 'Text message (SMS)' };

export const TOPICS = {
  crime_alerts: 'Crime alerts',
  anti_social_behaviour: 'Anti-social behaviour',
  appeals: 'Appeals for information',
  events: 'Events',
  meetings: 'Community meetings',
  crime_prevention: 'Crime prevention advice',
  road_safety: 'Road safety',
  fraud_scams: 'Fraud and scams',
};

export const INTEREST_GROUPS = {
  cctv_owner: 'CCTV or doorbell camera owners',
  dog_walker: 'Dog walkers',
  business_owner: 'Business owners',
  horse_rider: 'Horse riders',
  farmer: 'Farmers',
  student: 'Students',
  parent: 'Parents and carers',
};

export const MESSAGE_STATUSES = {
  draft: 'Draft',
  pending_approval: 'Waiting for approval',
  scheduled: 'Scheduled',
  sending: 'Sending',
  paused: 'Paused',
  sent: 'Sent',
  cancelled: 'Cancelled',
};

export const BID_STATUSES = {
  submitted: 'Submitted',
  under_review: 'Under review',
  approved: 'Approved',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
  completed: 'Completed',
};

export const BID_THEMES = {
  youth_violence: 'Youth violence',
  community_cohesion: 'Community cohesion',
  crime_prevention: 'Crime prevention',
  other: 'Other',
};

export const ROLES = {
  admin: 'Administrator',
  eco: 'Engagement and communications officer',
  officer: 'Officer',
  npu_lead: 'NPU lead',
  cadet_leader: 'Cadet leader',
  analyst: 'Analyst',
};

/** Tag colour per status (beacon.css .tag-*). */
export const STATUS_TONES = {
  draft: 'grey',
  pending_approval: 'yellow',
  scheduled: 'blue',
  sending: 'blue',
  paused: 'orange',
  sent: 'green',
  cancelled: 'grey',
  submitted: 'blue',
  under_review: 'yellow',
  approved: 'green',
  rejected: 'red',
  withdrawn: 'grey',
  completed: 'green',
  open: 'blue',
  answered: 'green',
  closed: 'grey',
};

export const label = (map, key) => map[key] ?? key;
