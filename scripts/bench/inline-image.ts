// Delivery section, issue 23: e-mail throughput with one inline image against the same message as
// plain text, through the same pipeline (compose → send → the running worker → the SMTP sink).
// The image is rendered once at upload and MIME-encoded once per send job, so each e-mail only
// concatenates its bytes: the target is within 20 % of plain text. Prints figures; asserts nothing.
import type { INestApplicationContext } from '@nestjs/common';
import type pg from 'pg';
import sharp from 'sharp';
import type { StaffPrincipal } from '@beacon/core';
import { MessageAttachmentService, MessageLifecycleService, MessageService } from '@beacon/messaging';
import { benchAdmin, fmt } from './harness';

export interface InlineImageBenchOptions {
  app: INestApplicationContext;
  db: pg.Pool;
  staff: StaffPrincipal;
  sink: { count: () => number };
  report: (name: string, value: string) => void;
  /** The interest group of the e-mail audience (the bench seeds `student`). */
  group?: string;
}

/** A photo-like 1600×1000 JPEG (blurred noise, so its rendition weighs what a photo's does). */
const photo = () =>
  sharp({ create: { width: 1600, height: 1000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .blur(1.5)
    .jpeg({ quality: 90 })
    .toBuffer();

async function waitSent(db: pg.Pool, messageId: string, total: number): Promise<void> {
  const t0 = performance.now();
  for (;;) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*) FILTER (WHERE status IN ('sent','delivered','failed','bounced'))::int AS n FROM delivery WHERE message_id = $1`, [messageId]);
    if (rows[0].n >= total) return;
    if (performance.now() - t0 > 15 * 60_000) throw new Error(`Timed out: ${rows[0].n}/${total} done`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function benchInlineImage(o: InlineImageBenchOptions): Promise<void> {
  const messages = o.app.get(MessageService);
  const lifecycle = o.app.get(MessageLifecycleService);
  const attachments = o.app.get(MessageAttachmentService);
  const audience = { interestGroups: [o.group ?? 'student'] };
  // A force-wide message needs another admin's approval (libs/messaging rules): a second bench admin gives it.
  const approver = await benchAdmin(o.app, { email: 'bench-image-approver@beacon.local', password: 'bench-approver-password-1' }, 'Bench approver');
  const rates: Record<string, number> = {};
  for (const kind of ['plain text', 'one inline image'] as const) {
    const m = await messages.compose(o.staff, { title: `Bench e-mail, ${kind}`, body: 'Throughput test message body.', category: 'other', channels: ['email'], audience });
    let imageBytes = 0;
    if (kind === 'one inline image') {
      const a = await attachments.upload(o.staff, m.id, { originalname: 'bench.jpg', mimetype: 'image/jpeg', buffer: await photo() }, 'A bench photograph');
      imageBytes = a.size;
    }
    const total = (await messages.previewAudience(o.staff, m.id)).total;
    const before = o.sink.count();
    const t0 = performance.now();
    if ((await lifecycle.send(o.staff, m.id)).status === 'pending_approval') await lifecycle.approve(approver, m.id);
    await waitSent(o.db, m.id, total);
    const ms = performance.now() - t0;
    rates[kind] = total / (ms / 1000);
    o.report(`email, ${kind}: throughput`, `${fmt(rates[kind])} messages/s (${fmt(o.sink.count() - before)} accepted, ${(ms / 1000).toFixed(1)} s${imageBytes ? `, image ${fmt(imageBytes / 1024)} KB` : ''})`);
  }
  const ratio = rates['one inline image'] / rates['plain text'];
  o.report('email, inline image vs plain text', `${(ratio * 100).toFixed(0)} % of plain text's rate (target ≥ 80 %)`);
}
