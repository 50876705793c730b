import { randomBytes } from 'node:crypto';
import type { TestApp } from './test-app';

let n = 0;

export interface ResidentSpec {
  ward: string;
  email?: string | null;
  phone?: string | null;
  channels?: ('email' | 'sms')[];
  topics?: string[];
  interests?: string[];
  status?: 'pending' | 'active' | 'unsubscribed' | 'erased';
  emailVerified?: boolean;
  phoneVerified?: boolean;
  firstName?: string;
  quiet?: [string, string];
  minPriority?: Partial<Record<'email' | 'sms', string>>;
}

/** Inserts a resident with channels, topics and interests straight into the database. */
export async function makeResident(t: TestApp, spec: ResidentSpec): Promise<{ id: string; email: string | null; phone: string | null }> {
  const i = ++n;
  const channels = spec.channels ?? ['email'];
  const email = spec.email !== undefined ? spec.email : channels.includes('email') ? `r${i}.${randomBytes(3).toString('hex')}@example.org` : null;
  const phone = spec.phone !== undefined ? spec.phone : channels.includes('sms') ? `+4477009${String(10000 + (i % 90000)).padStart(5, '0')}` : null;
  const status = spec.status ?? 'active';
  const [row] = await t.sql<{ id: string }>(
    `INSERT INTO resident (email, phone_e164, first_name, last_name, ward_code, status, email_verified_at, phone_verified_at, activated_at, consent_at, quiet_start, quiet_end)
     VALUES ($1, $2, $3, 'Tester', $4, $5::varchar, $6, $7, CASE WHEN $5::varchar = 'pending' THEN NULL ELSE now() END, now(), $8, $9) RETURNING id`,
    [
      email,
      phone,
      spec.firstName ?? `Resident${i}`,
      spec.ward,
      status,
      email && spec.emailVerified !== false ? new Date() : null,
      phone && spec.phoneVerified !== false ? new Date() : null,
      spec.quiet?.[0] ?? null,
      spec.quiet?.[1] ?? null,
    ],
  );
  for (const c of channels) {
    await t.sql(`INSERT INTO resident_channel (resident_id, channel, min_priority) VALUES ($1, $2, $3)`, [row.id, c, spec.minPriority?.[c] ?? 'information']);
  }
  for (const topic of spec.topics ?? []) await t.sql(`INSERT INTO resident_topic (resident_id, topic) VALUES ($1, $2)`, [row.id, topic]);
  for (const g of spec.interests ?? []) await t.sql(`INSERT INTO resident_interest (resident_id, interest_group) VALUES ($1, $2)`, [row.id, g]);
  return { id: row.id, email, phone };
}

export interface BulkResidentSpec {
  count: number;
  ward: string;
  /** Addresses are `<prefix><n>@example.org` (e-mail) and +4477<8 digits> (SMS), n = 1..count. */
  prefix: string;
  channels?: ('email' | 'sms')[];
  interest?: string;
}

/**
 * Thousands of active, verified residents in three statements (INSERT … SELECT generate_series),
 * for load and fault tests. Returns their addresses in order.
 */
export async function makeResidents(t: Pick<TestApp, 'sql'>, spec: BulkResidentSpec): Promise<{ emails: string[]; phones: string[] }> {
  const channels = spec.channels ?? ['email'];
  const withEmail = channels.includes('email');
  const withSms = channels.includes('sms');
  const base = 10_000_000 + (++n % 90) * 100_000; // distinct phone ranges per call
  const rows = await t.sql<{ id: string; email: string | null; phone: string | null }>(
    `INSERT INTO resident (email, phone_e164, first_name, last_name, ward_code, status, email_verified_at, phone_verified_at, activated_at, consent_at)
     SELECT CASE WHEN $2 THEN $1 || g || '@example.org' END, CASE WHEN $3 THEN '+4477' || ($4::int + g) END,
            'Bulk' || g, 'Tester', $5, 'active', CASE WHEN $2 THEN now() END, CASE WHEN $3 THEN now() END, now(), now()
       FROM generate_series(1, $6::int) g
     RETURNING id, email, phone_e164 AS phone`,
    [spec.prefix, withEmail, withSms, base, spec.ward, spec.count],
  );
  const ids = rows.map((r) => r.id);
  await t.sql(`INSERT INTO resident_channel (resident_id, channel) SELECT id, c FROM unnest($1::uuid[]) AS id, unnest($2::varchar[]) AS c`, [ids, channels]);
  if (spec.interest) await t.sql(`INSERT INTO resident_interest (resident_id, interest_group) SELECT unnest($1::uuid[]), $2`, [ids, spec.interest]);
  return { emails: rows.flatMap((r) => (r.email ? [r.email] : [])), phones: rows.flatMap((r) => (r.phone ? [r.phone] : [])) };
}

/** Op Wholestone as the campaign tests enter it: a BE door-knock operation in October 2019, BE01 its target ward and BE02 its control. */
export const WHOLESTONE = {
  code: 'OP-WHOLESTONE',
  name: 'Op Wholestone',
  npuCode: 'BE',
  tactic: 'door_knock',
  startsOn: '2019-10-01',
  endsOn: '2019-10-31',
  targetWards: [{ wardCode: 'BE01', households: 2000 }],
  controlWards: [{ wardCode: 'BE02', households: 4000 }],
};
