import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import playwright, { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { StaffService } from '@beacon/auth';
import { FundingService } from '@beacon/funding';
import { freePort } from './utils/free-port';
import { startSmtpSink, waitUntil, type CapturedMail, type SmtpSink } from './utils/smtp-sink';
import { createTestApp, seedGeography, type TestApp } from './utils/test-app';

// Real-browser tests of the resident pages and the staff console (Debian's chromium).
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
// In CI a missing browser is a broken install, not a reason to skip: the run fails.
if (!hasChromium && process.env.CI === 'true') throw new Error(`${CHROMIUM} not found and CI=true: the browser tests must run in CI (apt-get install chromium)`);
if (!hasChromium) console.warn(`Skipping the browser tests: ${CHROMIUM} not found (apt-get install chromium)`);
const suite = hasChromium ? describe : describe.skip;

const ARTIFACTS = join(process.cwd(), 'test', 'artifacts');
const AXE_SOURCE = hasChromium ? readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8') : '';
const PASSWORD = 'console-test-password-1';

/** Waits until the element's text is (or contains) the expected text; fails with what it saw. */
async function expectText(locator: Locator, expected: string, o: { contains?: boolean; timeout?: number } = {}): Promise<void> {
  const deadline = Date.now() + (o.timeout ?? 10_000);
  let seen: string | null = null;
  for (;;) {
    seen = await locator.first().textContent({ timeout: Math.max(1, deadline - Date.now()) }).catch(() => seen);
    const text = seen?.replace(/\s+/g, ' ').trim() ?? '';
    if (o.contains ? text.includes(expected) : text === expected) return;
    if (Date.now() > deadline) throw new Error(`Expected ${o.contains ? 'text containing' : 'text'} "${expected}", saw "${text}" (${locator})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const expectContains = (locator: Locator, expected: string, timeout?: number) => expectText(locator, expected, { contains: true, timeout });

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

suite('browser: sign-up, the staff console and accessibility', () => {
  let t: TestApp;
  let smtp: SmtpSink;
  let browser: Browser;
  let base: string;
  let verifyUrl: string;
  let unsubscribeUrl: string;
  let ratingUrl: string;
  const residentEmail = `browser.${Date.now()}@example.org`;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    smtp = await startSmtpSink();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await createTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: base, DATA_DIR: mkdtempSync(join(tmpdir(), 'beacon-browser-')) });
    await t.app.listen(port, '127.0.0.1');
    await seedGeography(t);
    const staff = t.app.get(StaffService);
    await staff.create({ email: 'eco@console.test', name: 'Erin ECO', password: PASSWORD, role: 'eco', npuCode: 'BE' });
    await staff.create({ email: 'lead@console.test', name: 'Lara Lead', password: PASSWORD, role: 'npu_lead', npuCode: 'BE' });
    await staff.create({ email: 'admin@console.test', name: 'Alex Admin', password: PASSWORD, role: 'admin', npuCode: null });
    await staff.create({ email: 'analyst@console.test', name: 'Ana Analyst', password: PASSWORD, role: 'analyst', npuCode: null });
    browser = await playwright.chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.close();
  });

  /** A page whose console errors and uncaught exceptions (CSP, Trusted Types, bugs) fail the test. */
  async function newPage(context?: BrowserContext): Promise<Page> {
    const page = await (context ?? (await browser.newContext({ viewport: { width: 1100, height: 900 } }))).newPage();
    page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      // A 4xx the console handles (e.g. a probe for a lib that is not deployed) is logged by the browser; that is fine.
      if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) pageErrors.push(`console: ${m.text()}`);
    });
    return page;
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const mailTo = async (address: string, n = 1): Promise<CapturedMail> => {
    await waitUntil(() => smtp.messages.filter((m) => m.to.includes(address)).length >= n, 20_000, `${n} e-mail(s) to ${address}`);
    return smtp.messages.filter((m) => m.to.includes(address))[n - 1];
  };
  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto(`${base}/console/legacy`);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('#nav a[data-section="messages"]');
  }
  async function axe(page: Page): Promise<AxeViolation[]> {
    await page.addScriptTag({ content: AXE_SOURCE });
    const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as { violations: AxeViolation[] };
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  }
  const describeViolations = (vs: AxeViolation[]) => vs.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);

  it('a resident signs up on /signup and confirms with the e-mailed link', async () => {
    const page = await newPage();
    await page.goto(`${base}/signup`);
    await page.fill('#firstName', 'Pat');
    await page.fill('#lastName', 'Browser');
    await page.selectOption('#wardCode', 'BE01');
    await page.check('#channels-email');
    await page.fill('#email', residentEmail);
    await page.check('#consent');
    await shot(page, 'resident-signup');
    await page.click('button:has-text("Sign up")');
    await expectText(page.locator('h1'), 'Check your email');

    const mail = await mailTo(residentEmail);
    verifyUrl = new RegExp(`${base.replace(/\./g, '\\.')}/verify\\?token=[A-Za-z0-9_.-]+`).exec(mail.parsed.text ?? '')![0];
    await page.goto(verifyUrl);
    await expectText(page.locator('h1'), 'You are signed up');
    await shot(page, 'resident-verified');
    const [row] = await t.sql<{ status: string }>('SELECT status FROM resident WHERE email = $1', [residentEmail]);
    expect(row.status).toBe('active');
    await page.context().close();
  });

  it('an ECO composes, previews and sends a ward message; the resident rates it 6 and replies; the ECO sees the rating and answers in the inbox', async () => {
    const page = await newPage();
    await page.goto(`${base}/console/legacy`);
    await page.waitForSelector('h1:has-text("Sign in")');
    await shot(page, 'console-login');
    await signIn(page, 'eco@console.test');
    await page.waitForSelector('#message-list');
    await shot(page, 'console-messages-empty');

    await page.click('#nav a[data-section="compose"]');
    await page.fill('#title', 'Car crime in Hodge Hill');
    await page.fill('#body', 'Please lock your car and keep valuables out of sight.\nMore advice: https://west-midlands.police.uk/advice');
    await page.selectOption('#category', 'crime_prevention');
    // The author's one NPU is open; ticking a ward narrows the audience to it.
    await page.check('input[data-kind="ward"][value="BE01"]');
    await expectText(page.locator('[data-count="total"]'), '1');
    await expectText(page.locator('[data-count="email"]'), '1');
    await page.check('#channels-sms');
    await expectText(page.locator('[data-count="sms"]'), '0');
    await page.uncheck('#channels-sms');
    await page.waitForSelector('[data-count="sms"]', { state: 'detached' });
    await expectText(page.locator('[data-count="total"]'), '1');
    await shot(page, 'console-compose');

    await page.click('[data-action="save-draft"]');
    await page.waitForURL(/#\/messages\/[0-9a-f-]{36}$/);
    await expectContains(page.locator('#draft-audience'), '1 resident');
    // The e-mail preview is the server's rendering, in a sandboxed frame.
    expect(await page.getAttribute('iframe.email-frame', 'sandbox')).toBe('');
    await expectText(page.frameLocator('iframe.email-frame').locator('h1'), 'Car crime in Hodge Hill');
    // Headless Chromium paints a sandboxed (out-of-process) frame only once it has been on screen.
    await page.locator('iframe.email-frame').scrollIntoViewIfNeeded();
    await page.locator('iframe.email-frame').screenshot({ path: join(ARTIFACTS, 'console-email-preview.png') });
    await shot(page, 'console-message-draft');

    // By keyboard: the send button must work without a mouse.
    await page.focus('[data-action="send"]');
    await page.keyboard.press('Enter');
    await expectText(page.locator('#message-status'), 'Sent', { timeout: 20_000 });
    await expectContains(page.locator('#progress'), '1 of 1 processed');
    await shot(page, 'console-message-sent');

    const mail = await mailTo(residentEmail, 2);
    expect(mail.parsed.subject).toBe('Car crime in Hodge Hill');
    unsubscribeUrl = /Unsubscribe: (\S+)/.exec(mail.parsed.text ?? '')![1];
    expect(unsubscribeUrl.startsWith(`${base}/u/`)).toBe(true);

    // The resident rates it 6 with the e-mail's one-tap link, confirms, and replies.
    const rate6 = /href="([^"]+\/r\/[^"?]+\?score=6)"/.exec(mail.parsed.html || '')![1];
    ratingUrl = rate6.replace(/\?score=6$/, '');
    const resident = await newPage();
    await resident.goto(rate6);
    await shot(resident, 'resident-rating-confirm');
    await resident.click('button.rating-confirm');
    await expectText(resident.locator('h1'), 'Thank you');
    await resident.fill('#reply-body', 'Thank you. Could someone patrol Coleshill Road after dark?');
    await resident.click('button:has-text("Send reply")');
    await expectContains(resident.locator('main, body').first(), 'Your reply has been sent');
    await resident.context().close();

    // The ECO sees the rating and the reply count on the message, and answers in the inbox.
    await page.reload();
    await expectText(page.locator('.rating-average'), '6.0');
    await expectContains(page.locator('#engagement'), '1 reply');
    await shot(page, 'console-message-rated');
    await page.click('#nav a[data-section="inbox"]');
    const card = page.locator('[data-reply]', { hasText: 'Coleshill Road' });
    await expectContains(card.locator('.card-meta').first(), 'Car crime in Hodge Hill');
    await card.locator('textarea').fill('Thanks for letting us know. We will add Coleshill Road to our evening patrols this week.');
    await shot(page, 'console-inbox');
    await card.locator('[data-action="answer"]').click();
    await expectText(card.locator('.tag'), 'Answered');
    const answer = await mailTo(residentEmail, 3);
    expect(answer.parsed.text).toContain('We will add Coleshill Road to our evening patrols this week.');

    await page.click('#nav a[data-section="messages"]');
    await page.waitForSelector('#message-list a:has-text("Car crime in Hodge Hill")');
    await shot(page, 'console-messages');
    for (const section of ['outbox', 'acf', 'schemes', 'cadets', 'sim']) {
      await page.click(`#nav a[data-section="${section}"]`);
      await page.waitForSelector('body[data-ready="true"] h1');
      await shot(page, `console-${section}-eco`);
    }
    await page.click('[data-action="sign-out"]');
    await page.waitForSelector('h1:has-text("Sign in")');
    await page.context().close();
  });

  it('the NPU lead reviews and approves a bid in the ACF page, within the budget', async () => {
    await t.app.get(FundingService).setBudget('BE', '2019-20', 1_000_000);
    const bid = await t
      .http()
      .post('/api/v1/bids')
      .send({
        npuCode: 'BE',
        financialYear: '2019-20',
        applicantName: 'Shard End Residents',
        applicantType: 'group',
        contactEmail: 'shardend@example.org',
        title: 'Youth boxing club',
        summary: 'Weekly sessions for 12–16 year olds.',
        theme: 'youth_violence',
        amountRequestedPence: 250_000,
      })
      .expect(201);

    const page = await newPage();
    await signIn(page, 'lead@console.test');
    await page.click('#nav a[data-section="acf"]');
    const card = page.locator(`[data-bid="${bid.body.id}"]`);
    await card.locator('[data-action="review"]').click();
    await expectContains(page.locator('.notice'), 'is now under review');
    await page.fill(`#award-${bid.body.id}`, '2000');
    await shot(page, 'console-acf-review');
    await page.locator(`[data-bid="${bid.body.id}"] [data-action="approve"]`).click();
    await expectContains(page.locator('.notice'), 'approved: £2,000.00 awarded');
    await expectText(page.locator(`[data-bid="${bid.body.id}"] .tag`), 'Approved');
    await expectContains(page.locator('#fund-position'), '20% allocated');
    await shot(page, 'console-acf');
    const [row] = await t.sql<{ status: string; amount_awarded_pence: number }>('SELECT status, amount_awarded_pence::float8 AS amount_awarded_pence FROM bid WHERE id = $1', [bid.body.id]);
    expect(row).toEqual({ status: 'approved', amount_awarded_pence: 200_000 });
    await page.context().close();
  });

  it('shows each role its sections; every console page renders', async () => {
    const page = await newPage();
    const sectionsOf = () => page.$$eval('#nav a', (links) => links.map((a) => a.getAttribute('data-section')));
    await signIn(page, 'analyst@console.test');
    // Analysts read reports and figures; they do not write messages or answer residents.
    expect(await sectionsOf()).toEqual(['messages', 'acf', 'schemes', 'cadets', 'sim']);
    await page.click('[data-action="sign-out"]');
    await signIn(page, 'admin@console.test');
    const sections = await sectionsOf();
    expect(sections).toEqual(['messages', 'compose', 'inbox', 'acf', 'schemes', 'cadets', 'sim', 'outbox']);
    for (const section of sections) {
      await page.click(`#nav a[data-section="${section}"]`);
      await page.waitForSelector(`body[data-ready="true"] #nav a[data-section="${section}"][aria-current="page"]`);
      await page.waitForSelector('main h1');
      if (section === 'sim') await page.waitForSelector('#sim-report .report-part');
      await shot(page, `console-admin-${section}`);
    }
    await page.context().close();
  });

  it('resident pages and the console compose page have no serious or critical axe violations', async () => {
    // axe is injected as an inline script, which the pages' CSP forbids: this context bypasses it.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1100, height: 900 } });
    const page = await newPage(context);
    const checks: [string, () => Promise<unknown>][] = [
      ['signup', () => page.goto(`${base}/signup`)],
      ['verify', () => page.goto(verifyUrl)],
      ['unsubscribe', () => page.goto(unsubscribeUrl)],
      ['rating', () => page.goto(ratingUrl)],
      [
        'console compose',
        async () => {
          await signIn(page, 'eco@console.test');
          await page.click('#nav a[data-section="compose"]');
          await page.waitForSelector('input[data-kind="ward"]');
          await page.waitForSelector('[data-count="total"]');
        },
      ],
    ];
    const found: Record<string, string[]> = {};
    for (const [name, open] of checks) {
      await open();
      found[name] = describeViolations(await axe(page));
    }
    expect(found).toEqual({ signup: [], verify: [], unsubscribe: [], rating: [], 'console compose': [] });
    await context.close();
  });

  it('raised no script errors or CSP violations in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
