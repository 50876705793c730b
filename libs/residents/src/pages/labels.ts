import type { AgeBand, Channel, Ethnicity, Priority } from '../resident.entity';

// What residents read for each stored value.
export const CHANNEL_LABELS: Record<Channel, string> = { email: 'Email', sms: 'Text message (SMS)' };

export const TOPIC_LABELS: Record<string, string> = {
  crime_alerts: 'Crime alerts',
  anti_social_behaviour: 'Anti-social behaviour',
  appeals: 'Appeals for information',
  events: 'Events',
  meetings: 'Community meetings',
  crime_prevention: 'Crime prevention advice',
  road_safety: 'Road safety',
  fraud_scams: 'Fraud and scams',
};

export const INTEREST_LABELS: Record<string, string> = {
  cctv_owner: 'I have CCTV or a doorbell camera',
  dog_walker: 'I walk a dog',
  business_owner: 'I own or run a business',
  horse_rider: 'I ride horses',
  farmer: 'I farm',
  student: 'I am a student',
  parent: 'I am a parent or carer',
};

export const AGE_BAND_LABELS: Record<AgeBand, string> = {
  '16-24': '16 to 24',
  '25-34': '25 to 34',
  '35-44': '35 to 44',
  '45-54': '45 to 54',
  '55-64': '55 to 64',
  '65-74': '65 to 74',
  '75+': '75 or over',
  prefer_not_to_say: 'Prefer not to say',
};

// ONS 2021 census high-level groups, with the census wording.
export const ETHNICITY_LABELS: Record<Ethnicity, string> = {
  asian: 'Asian, Asian British or Asian Welsh',
  black: 'Black, Black British, Black Welsh, Caribbean or African',
  mixed: 'Mixed or Multiple ethnic groups',
  white: 'White',
  other: 'Other ethnic group',
  prefer_not_to_say: 'Prefer not to say',
};

export const PRIORITY_LABELS: Record<Priority, string> = {
  information: 'Everything, including general information',
  standard: 'Standard and urgent messages only',
  urgent: 'Urgent messages only',
};

export const CHANNEL_PLURALS: Record<Channel, string> = { email: 'emails', sms: 'text messages' };
