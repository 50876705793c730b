import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DeliveryRepository } from './delivery.repository';
import { DataSource } from 'typeorm';
import { JobName, QueueService } from '@beacon/core';

const CATEGORIES: [category: string, title: string, body: string][] = [
  ['crime_alert', 'Burglaries reported overnight', 'We have had reports of break-ins through rear doors. Please lock doors and windows and report anything suspicious on 101.'],
  ['appeal', 'Witness appeal: collision on the high street', 'Did you see the collision on Saturday afternoon? Please get in touch quoting the log number in this message.'],
  ['anti_social_behaviour', 'Extra patrols near the park', 'After reports of anti-social behaviour our team will patrol the park every evening this week.'],
  ['crime_prevention', 'Free bike marking this Saturday', 'Bring your bike to the community centre between 10:00 and 14:00 to have it marked and registered.'],
  ['event', 'Meet your neighbourhood team', 'Drop in for a cuppa with your local officers at the library on Thursday from 14:00.'],
  ['meeting', 'Have your say: neighbourhood priorities', 'Our next public meeting sets the priorities for the next three months. Everyone is welcome.'],
  ['road_safety', 'Speed checks near the schools', 'Community Speed Watch volunteers and officers will be checking speeds near the schools this week.'],
  ['fraud_scam', 'Courier fraud warning', 'Fraudsters are calling older residents pretending to be police officers. We will never ask for your bank card.'],
  ['community_update', 'Your neighbourhood this month', 'Arrests, updates on last month’s priorities and what we are working on next.'],
];

/**
 * The full demo's messages, set-based: `count` sent messages over the last three years (more of
 * them recently), each NPU's by its own staff (an admin where it has none), and deliveries for a
 * sample of each audience (about 1 in 250 recipients, from a fixed 2 % panel), so the data set stays small while
 * `recipient_count` is the whole audience at the time. Loaded once: nothing happens when any
 * message exists.
 */
@Injectable()
export class MessageDemoSeedService {
  private readonly logger = new Logger('Messaging');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queue: QueueService,
    private readonly deliveries: DeliveryRepository,
  ) {}

  async seedFullDemo(count = 320): Promise<number> {
    return this.db.transaction(async (tx) => {
      const [{ any }] = await tx.query<{ any: boolean }[]>('SELECT EXISTS (SELECT 1 FROM message) AS any');
      if (any) return 0;
      // Audience sizes from daily net sign-ups per NPU (one pass over residents, not one per message).
      await tx.query<unknown>(
        `CREATE TEMP TABLE demo_npu_day ON COMMIT DROP AS
         SELECT w.npu_code, e.day, sum(e.net)::int AS net
           FROM resident r JOIN ward w ON w.code = r.ward_code
           CROSS JOIN LATERAL (VALUES (date_trunc('day', r.activated_at), 1), (date_trunc('day', r.left_at), -1)) AS e(day, net)
          WHERE r.activated_at IS NOT NULL AND e.day IS NOT NULL
          GROUP BY 1, 2`,
      );
      // Deliveries go to a fixed 2 % panel of residents, each getting about one in five of their NPU's messages.
      // An erased leaver (their number gone) still had an SMS channel then; their deliveries keep no error text.
      await tx.query<unknown>(
        `CREATE TEMP TABLE demo_panel ON COMMIT DROP AS
         SELECT r.id, w.npu_code, r.activated_at, r.left_at, r.status = 'erased' AS erased,
                EXISTS (SELECT 1 FROM resident_channel c WHERE c.resident_id = r.id AND c.channel = 'sms') AS has_phone
           FROM resident r JOIN ward w ON w.code = r.ward_code
          WHERE r.activated_at IS NOT NULL AND abs(hashtext(r.id::text || ':panel')) % 50 = 0`,
      );
      const [{ n }] = await tx.query<{ n: number }[]>(
        `WITH npus AS (SELECT array_agg(code ORDER BY code) AS codes FROM npu),
         plan AS (
           SELECT k, npus.codes[1 + k % array_length(npus.codes, 1)] AS npu_code,
                  1 + (abs(hashtext('cat' || k)) % $2) AS cat,
                  date_trunc('minute', now() - interval '1095 days' * power(1 - k / ($1 + 1.0), 1.4) - interval '2 hours') AS sent_at
             FROM generate_series(1, $1::int) AS g(k), npus
         ),
         authored AS (
           SELECT p.*, coalesce(
                    (SELECT s.id FROM staff s WHERE s.npu_code = p.npu_code AND s.role IN ('eco', 'officer', 'npu_lead') AND s.active
                      ORDER BY abs(hashtext(s.id::text || p.k)) LIMIT 1),
                    (SELECT s.id FROM staff s WHERE s.role = 'admin' AND s.active ORDER BY s.created_at LIMIT 1)) AS author_id
             FROM plan p
         ),
         ins AS (
           INSERT INTO message (author_id, npu_code, title, body, category, priority, channels, audience, ward_codes, status,
                                send_requested_at, sent_at, recipient_count, created_at, updated_at)
           SELECT a.author_id, a.npu_code, c.title, c.body, c.category,
                  CASE WHEN c.category IN ('crime_alert', 'appeal') AND a.k % 3 = 0 THEN 'urgent' WHEN c.category = 'community_update' THEN 'information' ELSE 'standard' END,
                  CASE WHEN c.category IN ('crime_alert', 'appeal') AND a.k % 3 = 0 THEN ARRAY['email', 'sms']::varchar[] ELSE ARRAY['email']::varchar[] END,
                  jsonb_build_object('npuCodes', jsonb_build_array(a.npu_code)),
                  (SELECT array_agg(code ORDER BY code) FROM ward WHERE npu_code = a.npu_code),
                  'sent', a.sent_at - interval '2 minutes', a.sent_at,
                  (SELECT coalesce(sum(d.net), 0)::int FROM demo_npu_day d WHERE d.npu_code = a.npu_code AND d.day < a.sent_at),
                  a.sent_at - interval '1 hour', a.sent_at
             FROM authored a JOIN unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS c(category, title, body, i) ON c.i = a.cat
            WHERE a.author_id IS NOT NULL
           RETURNING 1)
         SELECT count(*)::int AS n FROM ins`,
        [count, CATEGORIES.length, CATEGORIES.map((c) => c[0]), CATEGORIES.map((c) => c[1]), CATEGORIES.map((c) => c[2])],
      );
      await tx.query<unknown>(
        `INSERT INTO delivery (message_id, resident_id, channel, status, provider_id, attempts, last_error, sent_at, created_at, updated_at)
         SELECT m.id, r.id, ch.channel,
                CASE WHEN h % 100 < 2 THEN 'bounced' WHEN ch.channel = 'sms' THEN 'delivered' ELSE 'sent' END,
                'demo-' || m.id || '-' || r.id || '-' || ch.channel, 1,
                CASE WHEN h % 100 < 2 AND NOT r.erased THEN '550 mailbox unavailable' END,
                m.sent_at + make_interval(secs => h % 600), m.sent_at, m.sent_at + make_interval(secs => h % 600)
           FROM message m
           JOIN demo_panel r ON r.npu_code = m.npu_code AND r.activated_at <= m.sent_at AND (r.left_at IS NULL OR r.left_at > m.sent_at)
           CROSS JOIN LATERAL unnest(m.channels) AS ch(channel)
           CROSS JOIN LATERAL (SELECT abs(hashtext(m.id::text || r.id::text)) AS h) hh
          WHERE h % 5 = 0 AND (ch.channel = 'email' OR r.has_phone)`,
      );
      // Their recipients by language, as the fan-out counts them.
      await this.deliveries.countLanguagesWhereMissing(tx);
      // Work in progress per NPU: a draft, and a message scheduled for a few weeks ahead with its
      // fan-out job queued for then (as MessageLifecycleService does), so it sends when it is due.
      const upcoming = await tx.query<{ id: string; scheduledAt: Date }[]>(
        `WITH authors AS (
           SELECT n.code, n.name, coalesce(
                    (SELECT s.id FROM staff s WHERE s.npu_code = n.code AND s.role IN ('eco', 'officer', 'npu_lead') AND s.active ORDER BY s.role, s.created_at LIMIT 1),
                    (SELECT s.id FROM staff s WHERE s.role = 'admin' AND s.active ORDER BY s.created_at LIMIT 1)) AS author_id
             FROM npu n),
         ins AS (
           INSERT INTO message (author_id, npu_code, title, body, category, priority, channels, audience, ward_codes, status, scheduled_at, send_requested_at, created_at, updated_at)
           SELECT a.author_id, a.code, v.title || a.name, v.body, v.category, 'standard', ARRAY['email']::varchar[],
                  jsonb_build_object('npuCodes', jsonb_build_array(a.code)), (SELECT array_agg(code ORDER BY code) FROM ward WHERE npu_code = a.code),
                  v.status, CASE WHEN v.status = 'scheduled' THEN date_trunc('day', now()) + make_interval(days => 21 + abs(hashtext(a.code)) % 14, hours => 10) END,
                  CASE WHEN v.status = 'scheduled' THEN now() - interval '1 day' END, now() - interval '2 days', now() - interval '1 day'
             FROM authors a CROSS JOIN (VALUES
               ('draft', 'Dark nights advice for ', 'Lighter evenings are ending. Simple steps keep your home and car safe: lights on timers, keys away from the door.', 'crime_prevention'),
               ('scheduled', 'Your neighbourhood this month: ', 'Arrests, updates on last month’s priorities and what we are working on next.', 'community_update')
             ) AS v(status, title, body, category)
            WHERE a.author_id IS NOT NULL
           RETURNING id, status, scheduled_at)
         SELECT id, scheduled_at AS "scheduledAt" FROM ins WHERE status = 'scheduled'`,
      );
      for (const m of upcoming) await this.queue.send(JobName.FanOut, { messageId: m.id }, { manager: tx, startAfter: m.scheduledAt });
      this.logger.log(`Demo messages loaded: ${n}`);
      return n;
    });
  }
}
