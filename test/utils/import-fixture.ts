import type { TestApp } from './test-app';

/** Generated import files for the import tests and the benchmark (Beacon CSV format). */
export const BEACON_HEADER = [
  'email', 'phone', 'first_name', 'last_name', 'postcode', 'ward_code', 'channels', 'topics', 'interest_groups', 'consent_at',
  'signed_up_at', 'email_verified', 'phone_verified', 'source',
];

export interface FixtureRow {
  cells: Partial<Record<(typeof BEACON_HEADER)[number], string>>;
}

const cell = (v: string | undefined) => (v === undefined ? '' : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function toBeaconCsv(rows: FixtureRow['cells'][]): string {
  return [BEACON_HEADER.join(','), ...rows.map((r) => BEACON_HEADER.map((h) => cell(r[h])).join(','))].join('\n') + '\n';
}

/** The i-th generated good resident (phone on even i; months spread over 2019). */
export function goodRow(i: number, prefix = 'imp', wards = ['BE01', 'BE02', 'BE03']): FixtureRow['cells'] {
  const hasPhone = i % 2 === 0;
  const month = String(1 + (i % 12)).padStart(2, '0');
  return {
    email: `${prefix}${i}@example.org`,
    phone: hasPhone ? `07911 ${120000 + (i % 80000)}` : '',
    first_name: `First${i}`,
    last_name: `Last${i}`,
    postcode: i % 10 === 0 ? 'b338th' : '',
    ward_code: wards[i % wards.length],
    channels: hasPhone ? 'email;sms' : 'email',
    topics: i % 5 === 0 ? '' : 'appeals;events',
    interest_groups: i % 7 === 0 ? 'dog_walker' : '',
    consent_at: `2019-${month}-15`,
    signed_up_at: `2019-${month}-15T10:00:00Z`,
    email_verified: i % 4 === 0 ? 'false' : 'true',
    phone_verified: hasPhone && i % 3 !== 0 ? 'yes' : 'no',
    source: 'wmnow',
  };
}

/** Waits until the import is no longer committing; its report as the API gives it. */
export async function importSettled(t: TestApp, auth: [string, string], id: string, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.http().get(`/api/v1/imports/${id}`).set(...auth).expect(200);
    if (res.body.status !== 'committing') return res.body;
    if (Date.now() > until) throw new Error(`import ${id} still committing`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
