import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPage, hasChromium, launchConsoleBrowser, type ConsoleBrowser } from './utils/console-browser';
import { freePort } from './utils/free-port';
import { broadcast } from './utils/messages';
import { startSmtpSink, waitUntil, type CapturedMail, type SmtpSink } from './utils/smtp-sink';
import { createTestApp, loginAs, seedGeography, type TestApp } from './utils/test-app';
import type { Auth } from './utils/world';

// Issue 16, residents' own pages: one resident's walk in Chromium on the one HTML stack, every
// page axe-clean at 1280 and 375 px with no raw code or id on screen.
if (!hasChromium && process.env.CI === 'true') throw new Error('/usr/bin/chromium not found and CI=true');
if (!hasChromium) console.warn('Skipping the resident journey in a browser: Chromium not found');

(hasChromium ? describe : describe.skip)('a resident in Chromium: sign-up, verify, manage, rate, reply', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let base: string;
  let b: ConsoleBrowser;
  let eco: Auth;
  const email = `journey.${Date.now()}@example.org`;

  const mailsTo = (address: string) => smtp.messages.filter((m) => m.to.includes(address));
  async function mailTo(address: string, n = 1): Promise<CapturedMail> {
    await waitUntil(() => mailsTo(address).length >= n, 20_000, `${n} e-mail(s) to ${address}`);
    return mailsTo(address)[n - 1];
  }
  const ratingRows = (residentEmail: string) =>
    t.sql<{ score: number; comment: string | null }>('SELECT r.score, r.comment FROM rating r JOIN resident p ON p.id = r.resident_id WHERE p.email = $1', [residentEmail]);

  beforeAll(async () => {
    smtp = await startSmtpSink();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await createTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: base, DATA_DIR: mkdtempSync(join(tmpdir(), 'beacon-resident-journey-')) });
    await t.app.listen(port, '127.0.0.1');
    await seedGeography(t);
    eco = (await loginAs(t, 'eco', 'BE')).auth as Auth;
    b = await launchConsoleBrowser();
  }, 120_000);
  afterAll(async () => {
    await b?.browser.close();
    await t?.close();
    await smtp?.close();
  });

  it('signs up (errors first), verifies from the e-mail, saves preferences, rates on one row and replies (reloads post nothing), then finds the message in their archive', async () => {
    const { page } = b;
    await page.goto(`${base}/signup`);
    await checkPage(b, 'resident-signup');
    await page.click('button:has-text("Sign up")');
    await page.waitForSelector('.govuk-error-summary a[href="#firstName"]');
    await checkPage(b, 'resident-signup-errors');
    await page.fill('#firstName', 'Robin');
    await page.selectOption('#wardCode', 'BE01');
    await page.check('#channels-email');
    await page.fill('#email', email);
    await page.check('#consent');
    await page.click('button:has-text("Sign up")');
    await page.waitForURL(`${base}/signup/sent`);
    await checkPage(b, 'resident-signup-sent');

    // The verification link from the real SMTP sink.
    const verify = new RegExp(`${base.replace(/\./g, '\\.')}/verify\\?token=[A-Za-z0-9_.-]+`).exec((await mailTo(email)).parsed.text ?? '')![0];
    await page.goto(verify);
    await page.waitForSelector('h1:has-text("You are signed up")');
    await checkPage(b, 'resident-verified');
    await page.click('a:has-text("Manage your preferences")');
    await page.waitForURL(/\/me\?token=/);
    await checkPage(b, 'resident-manage');
    // Every topic is on after a sign-up with none ticked; they stop hearing about appeals.
    await page.uncheck('#topics-appeals');
    await page.click('button:has-text("Save changes")');
    await page.waitForURL(/\/me\?token=[^&]+&saved=1$/);
    await page.waitForSelector('.govuk-notification-banner:has-text("Your preferences have been saved")');
    await checkPage(b, 'resident-manage-saved');
    const topics = (await t.sql<{ topic: string }>('SELECT topic FROM resident_topic JOIN resident ON resident.id = resident_id WHERE email = $1', [email])).map((r) => r.topic);
    expect(topics).toContain('events');
    expect(topics).not.toContain('appeals');

    // A message reaches them; its rating link opens the rating page.
    await broadcast(t, eco, { title: 'Bike marking on Saturday', body: 'Bring your bike to the library, 10am to noon.', category: 'event', audience: { wardCodes: ['BE01'], topics: ['events'] } });
    const ratingUrl = new RegExp(`${base.replace(/\./g, '\\.')}/r/[^\\s?"]+`).exec((await mailTo(email, 2)).parsed.text ?? '')![0];
    await page.goto(ratingUrl);
    await page.waitForSelector('h1:has-text("Bike marking on Saturday")');
    await checkPage(b, 'resident-rating');
    // The six choices sit on one row at desktop width.
    const rows = async () => {
      const ys = await page.locator('.rating-form button[name="score"]').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().y)));
      expect(ys).toHaveLength(6);
      return new Set(ys).size;
    };
    expect(await rows()).toBe(1);
    // The measure tells rows apart: on a phone they wrap (two rows of three).
    await page.setViewportSize({ width: 375, height: 900 });
    expect(await rows()).toBe(2);
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.fill('#comment', 'Good to know');
    await page.click('.rating-form button[name="score"][value="5"]');
    await page.waitForURL(`${ratingUrl}/rated`);
    await page.waitForSelector('h1:has-text("Thank you")');
    await checkPage(b, 'resident-rated');
    await page.reload();
    await page.waitForSelector('text=Useful');
    expect(await ratingRows(email)).toEqual([{ score: 5, comment: 'Good to know' }]);

    await page.fill('#reply-body', 'Can I bring two bikes?');
    await page.click('button:has-text("Send reply")');
    await page.waitForURL(`${ratingUrl}/replied`);
    await page.waitForSelector('text=Your reply has been sent');
    await checkPage(b, 'resident-replied');
    // A refresh shows the page again and sends nothing twice.
    await page.reload();
    await page.waitForSelector('text=Your reply has been sent');
    expect(await t.sql('SELECT r.body FROM reply r JOIN resident p ON p.id = r.resident_id WHERE p.email = $1', [email])).toEqual([{ body: 'Can I bring two bikes?' }]);

    // The message's own manage link, then the archive of what was sent to them.
    const manageUrl = /href="([^"]+\/me\?token=[^"]+)">Manage what you receive/.exec((await mailTo(email, 2)).parsed.html || '')![1].replace(/&amp;/g, '&');
    await page.goto(manageUrl);
    await page.click('a:has-text("Messages sent to you")');
    await page.waitForURL(/\/me\/messages\?token=/);
    await page.waitForSelector('.archive-title:has-text("Bike marking on Saturday")');
    await checkPage(b, 'resident-archive');
    await page.click('.archive-item a:has-text("Read, rate or reply")');
    // A fresh link to the same delivery (signed now, so not the e-mail's token).
    await page.waitForURL(/\/r\/[^/?]+$/);
    await page.waitForSelector('h1:has-text("Bike marking on Saturday")');
    await page.waitForSelector('.rating-current:has-text("You rated this message 5")');
    await page.goBack();
    await page.click('a:has-text("Back to your preferences")');
    await page.waitForSelector('h1:has-text("Manage your Beacon messages")');
    expect(b.problems).toEqual([]);
  }, 180_000);
});
