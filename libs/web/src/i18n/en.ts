/**
 * English, the catalogue every other one falls back to. Keys by page; `vocab.<vocabulary>.<code>`
 * entries are absent here (the English label is libs/web's vocabulary, passed as the default).
 */
export const EN = {
  layout: {
    notGiven: 'Not given',
    manage: 'Manage your preferences',
    signup: 'Sign up for messages',
    licence: 'Beacon is open-source software under the MIT licence.',
    languages: 'Read this page in',
    errorTitle: 'There is a problem',
  },
  signup: {
    title: 'Sign up for Beacon messages',
    lead: 'Get messages from your neighbourhood policing team about crime, appeals and events where you live.',
    aboutYou: 'About you',
    firstName: 'First name',
    lastName: 'Last name (optional)',
    postcode: 'Postcode',
    postcodeHint: 'We use it to find your ward. For example, B33 8TH',
    ward: 'Your ward (if we cannot find your postcode)',
    wardPlaceholder: 'Choose your ward',
    wardHint: 'Leave this if you gave your postcode. Wards are grouped by policing area.',
    contact: 'How should we contact you?',
    channels: 'Send me messages by',
    channelsHint: 'Choose at least one.',
    email: 'Email address',
    emailHint: 'Needed for messages by email.',
    phone: 'UK mobile number',
    phoneHint: 'Needed for text messages. For example, 07911 123456.',
    hearAbout: 'What would you like to hear about?',
    topics: 'Topics',
    topicsHint: 'Leave them all unticked to hear about everything.',
    interests: 'Anything that applies to you (optional)',
    interestsHint: 'Some messages are only for people with a particular interest, like dog walkers.',
    aboutYouOptional: 'About you (optional)',
    aboutYouOptionalHint: 'This helps us check that we reach every community. You do not have to answer.',
    age: 'Age',
    ethnicity: 'Ethnic group',
    ethnicityHint: 'The groups used by the 2021 census.',
    language: 'Preferred language (optional)',
    languageHint: 'Messages come in this language when the team has translated them, and in English otherwise.',
    agreement: 'Your agreement',
    consent: 'I agree that my local police can send me messages and keep these details until I unsubscribe or ask for them to be deleted.',
    submit: 'Sign up',
  },
  unsubscribe: {
    title: 'Unsubscribe from Beacon messages',
    youGet: 'You get messages by:',
    stop_email: 'Stop emails',
    stop_sms: 'Stop text messages',
    stopAll: 'Stop all messages',
  },
};

/** A catalogue: the English one's shape, any entry may be left out (English is used), plus vocabulary labels. */
export type Catalogue = { [K in keyof typeof EN]?: Partial<(typeof EN)[K]> } & { vocab?: Record<string, Record<string, string>> };
