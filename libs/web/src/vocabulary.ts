/**
 * The one server-side vocabulary: what a person reads for every stored code. Pages, CSVs and
 * charts take their labels from here (the `label` filter in templates), so no raw code ever
 * reaches a person. The lists are plain strings, not imports of the domain libs' enums, so
 * every lib may use this one without a cycle; `vocabulary.spec.ts` checks they cover the enums.
 */
export const VOCABULARY = {
  channel: { email: 'Email', sms: 'Text message (SMS)' },
  channelPlural: { email: 'emails', sms: 'text messages' },
  // "Sent …, by email and text message" (a resident's archive).
  channelVia: { email: 'email', sms: 'text message' },
  topic: {
    crime_alerts: 'Crime alerts',
    anti_social_behaviour: 'Anti-social behaviour',
    appeals: 'Appeals for information',
    events: 'Events',
    meetings: 'Community meetings',
    crime_prevention: 'Crime prevention advice',
    road_safety: 'Road safety',
    fraud_scams: 'Fraud and scams',
  },
  /** Staff wording; residents read `interestSelf` ("I walk a dog"). */
  interestGroup: {
    cctv_owner: 'CCTV or doorbell camera owners',
    dog_walker: 'Dog walkers',
    business_owner: 'Business owners',
    horse_rider: 'Horse riders',
    farmer: 'Farmers',
    student: 'Students',
    parent: 'Parents and carers',
  },
  interestSelf: {
    cctv_owner: 'I have CCTV or a doorbell camera',
    dog_walker: 'I walk a dog',
    business_owner: 'I own or run a business',
    horse_rider: 'I ride horses',
    farmer: 'I farm',
    student: 'I am a student',
    parent: 'I am a parent or carer',
  },
  ageBand: {
    '16-24': '16 to 24',
    '25-34': '25 to 34',
    '35-44': '35 to 44',
    '45-54': '45 to 54',
    '55-64': '55 to 64',
    '65-74': '65 to 74',
    '75+': '75 or over',
    prefer_not_to_say: 'Prefer not to say',
  },
  // ONS 2021 census high-level groups, with the census wording.
  ethnicity: {
    asian: 'Asian, Asian British or Asian Welsh',
    black: 'Black, Black British, Black Welsh, Caribbean or African',
    mixed: 'Mixed or Multiple ethnic groups',
    white: 'White',
    other: 'Other ethnic group',
    prefer_not_to_say: 'Prefer not to say',
  },
  /** A message's priority, as staff choose it. */
  priority: { information: 'Information', standard: 'Standard', urgent: 'Urgent' },
  priorityHint: {
    information: 'General news. Residents can choose not to get these.',
    standard: 'Most messages.',
    urgent: 'Risk to people or property now. Texts ignore residents’ quiet hours.',
  },
  /** A resident's threshold for a channel, as residents read it. */
  minPriority: {
    information: 'Everything, including general information',
    standard: 'Standard and urgent messages only',
    urgent: 'Urgent messages only',
  },
  residentStatus: { pending: 'Not yet confirmed', active: 'Active', unsubscribed: 'Unsubscribed', erased: 'Erased' },
  signupSource: {
    door_knock: 'Door knock',
    street: 'Street engagement',
    social_media: 'Social media',
    event: 'Event',
    online: 'Online',
    other: 'Other',
  },
  messageCategory: {
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
  },
  messageStatus: {
    draft: 'Draft',
    pending_approval: 'Waiting for approval',
    scheduled: 'Scheduled',
    sending: 'Sending',
    paused: 'Paused',
    sent: 'Sent',
    cancelled: 'Cancelled',
  },
  deliveryStatus: {
    queued: 'Waiting to send',
    sending: 'Sending',
    sent: 'Sent',
    delivered: 'Delivered (confirmed)',
    failed: 'Failed',
    bounced: 'Bounced',
    unknown: 'Outcome unknown (not resent)',
    cancelled: 'Cancelled',
  },
  replyStatus: { open: 'Open', answered: 'Answered', closed: 'Closed' },
  replyVia: { web: 'the website', sms: 'text message', email: 'email' },
  score: { '1': 'Not useful', '2': 'Slightly useful', '3': 'Somewhat useful', '4': 'Fairly useful', '5': 'Useful', '6': 'Very useful' },
  role: {
    admin: 'Administrator',
    eco: 'Engagement and communications officer',
    officer: 'Officer',
    npu_lead: 'NPU lead',
    cadet_leader: 'Cadet leader',
    analyst: 'Analyst',
  },
  schemeStatus: { active: 'Active', closed: 'Closed' },
  patrolStatus: { planned: 'Planned', cancelled: 'Cancelled' },
  consentMethod: { in_person: 'In person', phone: 'By phone', written: 'In writing (a signed form)', email: 'By email', invitation: 'Accepted an invitation', imported: 'Brought across from the previous system', self: 'Joined from their own page' },
  schemeType: {
    neighbourhood_watch: 'Neighbourhood Watch',
    street_watch: 'Street Watch',
    canal_watch: 'Canal Watch',
    business_watch: 'Business Watch',
  },
  cadetUnitKind: { cadets: 'Volunteer Police Cadets', junior_pcso: 'Mini Police (junior PCSOs)' },
  cadetRole: { cadet: 'Cadet', junior_pcso: 'Junior PCSO', leader: 'Leader' },
  bidStatus: {
    submitted: 'Submitted',
    under_review: 'Under review',
    approved: 'Approved',
    rejected: 'Rejected',
    withdrawn: 'Withdrawn',
    completed: 'Completed',
  },
  bidTheme: {
    youth_violence: 'Youth violence',
    community_cohesion: 'Community cohesion',
    crime_prevention: 'Crime prevention',
    other: 'Other',
  },
  applicantType: { group: 'Community group', individual: 'Individual' },
  evaluationOutcome: { achieved: 'Achieved', partly_achieved: 'Partly achieved', not_achieved: 'Not achieved' },
  /** A voting round's state, by the database clock. */
  roundState: { scheduled: 'Not open yet', open: 'Open for votes', closed: 'Closed' },
  /** What the voting results say of each ranked bid (libs/funding fund-winners). */
  /** A survey's state (libs/surveys). */
  surveyStatus: { draft: 'Draft', pending_approval: 'Waiting for an admin to approve', open: 'Open', closed: 'Closed' },
  /** The kinds of question staff can add to a survey. */
  questionKind: {
    single_choice: 'Choose one answer',
    multiple_choice: 'Choose one or more answers',
    scale_5: 'A scale from 1 to 5',
    scale_10: 'A scale from 1 to 10',
    likert: 'Agree or disagree (5 points)',
    free_text: 'Their own words',
  },
  votingFunding: { fund: 'Would be funded', already_awarded: 'Already awarded', does_not_fit: 'Does not fit what is left', not_eligible: 'Not eligible (withdrawn or rejected)' },
  /** Report CSV column headings (the API's field names → what a SIM or QPR reader sees). */
  reportColumn: {
    section: 'Section',
    group: 'Group',
    groupName: 'Name',
    officerName: 'Officer',
    teamName: 'Team',
    officers: 'Officers',
    doorKnock: 'Door knock',
    street: 'Street',
    event: 'Event',
    other: 'Other',
    month: 'Month',
    newSignups: 'New sign-ups',
    leavers: 'Leavers',
    net: 'Net change',
    cumulative: 'Subscribers (running total)',
    signups: 'Sign-ups',
    wardCode: 'Ward code',
    wardName: 'Ward',
    npuCode: 'NPU',
    neighbourhood: 'Neighbourhood',
    population: 'Population',
    subscribers: 'Subscribers',
    per1000: 'Subscribers per 1,000 residents',
    dimension: 'Measure',
    category: 'Group within measure',
    populationSharePercent: 'Population share (%)',
    subscriberSharePercent: 'Subscriber share (%)',
    gapPoints: 'Gap (percentage points)',
    source: 'Sign-up source',
    campaignCode: 'Campaign code',
    sent: 'Messages sent',
    recipients: 'Recipients',
    messages: 'Messages',
    averageRating: 'Average rating (1 to 6)',
    ratings: 'Ratings',
    replies: 'Replies',
    financialYear: 'Financial year',
    asAt: 'As at',
    budgetPence: 'Budget (pence)',
    allocatedPence: 'Allocated (pence)',
    spentPence: 'Spent (pence)',
    outstandingPence: 'Outstanding (pence)',
    percentSpent: 'Spent (% of budget)',
    percentAllocated: 'Allocated (% of budget)',
    awaitingBids: 'Bids awaiting a decision',
    awaitingPence: 'Awaiting a decision (pence)',
    percentAllocatedIfApproved: 'Allocated if all awaiting bids are approved (% of budget)',
    theme: 'Theme',
    approvedBids: 'Bids awarded',
    amountAwardedPence: 'Awarded (pence)',
    type: 'Scheme type',
    current: 'Current',
    members: 'Members',
    target: 'Target',
    required: 'Still needed',
    memberTarget: 'Member target',
    membersRequired: 'Members still needed',
    dueDate: 'Due date',
    juniorPcsos: 'Junior PCSOs',
    cadets: 'Cadets',
    total: 'Total',
    figure: 'Figure',
    previousQuarter: 'Previous quarter',
    sameQuarterLastYear: 'Same quarter last year',
    againstTarget: 'Against target',
    percentOfTarget: 'Per cent of target',
    quarter: 'Quarter',
    areaCode: 'Area',
    question: 'Question',
    base: 'Responses',
    suppressed: 'Withheld (too few responses)',
    confidentPercent: 'Confident (%)',
    weightedConfidentPercent: 'Confident, weighted to the population (%)',
    households: 'Households',
    tactic: 'Tactic',
    control: 'Control',
    withCode: 'With the campaign code',
    per1000Households: 'Sign-ups per 1,000 households',
    per1000Residents: 'Sign-ups per 1,000 residents',
  },
  /** QPR figure names (libs/reports QPR_FIGURES), as a review reads them. */
  qprFigure: {
    newSignups: 'New sign-ups',
    leavers: 'Leavers',
    netSignups: 'Net change in subscribers',
    subscribers: 'Subscribers at the end of the quarter',
    messagesSent: 'Messages sent',
    ratings: 'Ratings',
    averageRating: 'Average rating (1 to 6)',
    schemes: 'Schemes',
    schemeMembers: 'Scheme members',
    cadets: 'Cadets and junior PCSOs',
    acfAllocatedPence: 'ACF allocated (pence)',
    acfSpentPence: 'ACF spent (pence)',
  },
  /** Report CSV sections (the `section` column: where a line sits in a nested report). */
  reportSection: {
    'periods.current': 'This quarter',
    'periods.previousQuarter': 'Previous quarter',
    'periods.sameQuarterLastYear': 'Same quarter last year',
    figures: 'Figures',
    'signups.growth': 'Sign-ups by NPU',
    'signups.total': 'Sign-ups in total',
    'signups.byWard': 'Sign-ups by ward',
    reach: 'Reach',
    representation: 'Representation',
    attribution: 'Sign-ups by source',
    'messages.byMonth': 'Messages by month',
    'messages.byAuthor': 'Messages by author',
    'messages.byLanguage': 'Recipients by language',
    'ratings.inRange': 'Ratings this period',
    'ratings.sinceLaunch': 'Ratings since launch',
    'acf.items': 'ACF by NPU',
    'acf.totals': 'ACF in total',
    'acf.byTheme': 'ACF by theme',
    'schemes.rows': 'Schemes by NPU and type',
    'schemes.totals': 'Schemes in total',
    'cadets.rows': 'Cadets by NPU',
    'cadets.totals': 'Cadets in total',
    confidence: 'Public confidence',
    'confidenceTrend.months': 'Public confidence by month',
    inRange: 'This period',
    sinceLaunch: 'Since launch',
    byTeam: 'By team',
    byOfficer: 'By officer',
    items: 'By NPU',
    totals: 'Total',
    byTheme: 'By theme',
    'target.wards': 'Target wards',
    'control.wards': 'Control wards',
    byTactic: 'By tactic',
  },
  /** The representation report's measures. */
  reportDimension: { age_band: 'Age band', ethnicity: 'Ethnicity' },
  geographyImport: {
    ons_lookup: 'ONS ward to local authority lookup',
    ward_mapping: 'Ward mapping (wards to neighbourhoods and NPUs)',
    populations: 'Ward populations (mid-year estimates)',
    postcodes: 'Postcode directory (ONSPD or NSPL)',
  },
  /** libs/imports mappings (src/mappings/<name>.json): what the uploaded file is. */
  importMapping: {
    beacon: 'Residents in the Beacon CSV format',
    wmnow: 'Residents: a WMNow member export',
    'vc-relay': 'Residents: a VC Relay member export',
    'beacon-schemes': 'Schemes and their members in the Beacon CSV format',
  },
  importStatus: { dry_run: 'Checked, not imported yet', committing: 'Importing', committed: 'Imported', failed: 'Failed' },
  /** Languages of messages and resident pages, in English (core's LANGUAGES_KNOWN; vocabulary.spec checks they agree). */
  language: {
    en: 'English', ar: 'Arabic', bn: 'Bengali', cy: 'Welsh', fa: 'Persian', fr: 'French', gu: 'Gujarati', hi: 'Hindi', ks: 'Kashmiri', ku: 'Kurdish', pa: 'Punjabi',
    pl: 'Polish', ps: 'Pashto', pt: 'Portuguese', ro: 'Romanian', so: 'Somali', ta: 'Tamil', ti: 'Tigrinya', tr: 'Turkish', ur: 'Urdu', zh: 'Chinese',
  },
} as const satisfies Record<string, Record<string, string>>;

export type VocabularyName = keyof typeof VOCABULARY;

/** GOV.UK tag colour per status code (govuk-tag--<colour>). */
export const STATUS_TAG_COLOURS: Record<string, string> = {
  draft: 'grey',
  pending_approval: 'yellow',
  scheduled: 'blue',
  sending: 'light-blue',
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
  active: 'green',
  pending: 'yellow',
  unsubscribed: 'grey',
  erased: 'grey',
  planned: 'blue',
};

export class UnknownCodeError extends Error {}

/** "pending_approval" → "Pending approval": the last resort, so a new code never shows raw. */
export function humanise(code: string): string {
  const words = code.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The label of `code` in `vocabulary`. `strict` (tests) throws on an unknown code so a missing
 * label fails a test; otherwise the code is humanised rather than shown raw.
 */
export function labelFor(vocabulary: string, code: unknown, strict = false): string {
  if (code === null || code === undefined || code === '') return '';
  const table = (VOCABULARY as Record<string, Record<string, string>>)[vocabulary];
  if (!table && strict) throw new UnknownCodeError(`No vocabulary named ${vocabulary}`);
  const text = table?.[String(code)];
  if (text !== undefined) return text;
  if (strict) throw new UnknownCodeError(`No label for ${String(code)} in ${vocabulary}`);
  return humanise(String(code));
}

/** [{value, text}] for GOV.UK select, radios and checkboxes macros, in the vocabulary's order. */
export function optionsOf(vocabulary: VocabularyName, selected: readonly string[] | string | null | undefined = []) {
  const chosen = new Set(Array.isArray(selected) ? selected : selected ? [selected] : []);
  return Object.entries(VOCABULARY[vocabulary] as Record<string, string>).map(([value, text]) => ({
    value,
    text,
    checked: chosen.has(value),
    selected: chosen.has(value),
  }));
}
