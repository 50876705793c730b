import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { checkPage, hasChromium, signInPage, startConsoleApp, useConsoleBrowser } from './utils/console-browser';
import type { TestApp } from './utils/test-app';

// Issue 19: the admin's staff accounts pages and "Your sessions", in Chromium, axe-clean.
const PASSWORD = 'staff-journey-password-3';
if (!hasChromium) console.warn('Skipping the staff accounts journeys in a browser: Chromium not found');

(hasChromium ? describe : describe.skip)('staff accounts and sessions in Chromium', () => {
  let t: TestApp;
  let base: string;
  const b = useConsoleBrowser();

  beforeAll(async () => {
    ({ t, base } = await startConsoleApp({ name: 'staff-journey', domain: 'journey.test', password: PASSWORD, staff: [['admin3', 'Alex Admin', 'admin', null]] }));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an admin creates an account (errors first), changes its role, and ends one of its sessions', async () => {
    const { page } = b;
    await signInPage(b.page, base, 'admin3@journey.test', PASSWORD);
    await page.click('.govuk-service-navigation a:has-text("Staff accounts")');
    await page.waitForURL(/\/console\/staff$/);
    await checkPage(b, 'staff');
    await page.click('[data-action="new-staff"]');
    await page.waitForURL(/\/console\/staff\/new$/);
    await checkPage(b, 'staff-new');
    await page.selectOption('#role', 'officer');
    await page.click('[data-action="create-staff"]');
    await page.waitForSelector('.govuk-error-summary a[href="#email"]');
    await page.waitForSelector('.govuk-error-summary a[href="#npuCode"]');
    await checkPage(b, 'staff-new-errors');
    expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM staff'))[0].n).toBe(1);
    await page.fill('#email', 'olu.officer@journey.test');
    await page.fill('#name', 'PC Olu Officer');
    await page.selectOption('#role', 'officer');
    await page.selectOption('#npuCode', 'BE');
    await page.fill('#password', PASSWORD);
    await page.click('[data-action="create-staff"]');
    await page.waitForURL(/\/console\/staff\/[0-9a-f-]{36}\?done=created$/);
    const accountUrl = page.url().replace(/\?.*$/, '');
    expect(await page.textContent('#account-summary')).toContain('Birmingham East');
    await checkPage(b, 'staff-account');

    // The officer signs in from another browser; the admin sees that session and ends it.
    const other = await b.browser.newContext();
    const theirs = await other.newPage();
    await theirs.goto(`${base}/console/sign-in`);
    await theirs.fill('#email', 'olu.officer@journey.test');
    await theirs.fill('#password', PASSWORD);
    await theirs.click('[data-action="sign-in"]');
    await theirs.waitForURL(`${base}/console`);

    await page.goto(accountUrl);
    await page.selectOption('#role', 'npu_lead');
    await page.click('[data-action="change-role"]');
    await page.waitForURL(/\?done=role$/);
    expect(await page.textContent('#account-summary')).toContain('NPU lead');
    expect(await page.locator('[data-session]').count()).toBe(1);
    await checkPage(b, 'staff-account-sessions');
    await page.click('[data-session] [data-action="revoke-session"]');
    await page.waitForURL(/\?done=session-revoked$/);
    expect(await page.locator('[data-session]').count()).toBe(0);
    // Their next page is the sign-in page.
    await theirs.goto(`${base}/console`);
    await theirs.waitForURL(/\/console\/sign-in/);
    await other.close();

    await page.click('[data-action="deactivate"]');
    await page.waitForURL(/\?done=deactivated$/);
    expect(await page.textContent('#account-status')).toContain('Deactivated');
    await page.click('.govuk-service-navigation a:has-text("Staff accounts")');
    const row = page.locator('#staff-list tr', { hasText: 'PC Olu Officer' });
    expect(((await row.textContent()) ?? '').replace(/\s+/g, ' ')).toContain('Deactivated');
  }, 180_000);

  it('"Your sessions" shows this browser and another, and ends the other', async () => {
    const { page } = b;
    const other = await b.browser.newContext({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' });
    const second = await other.newPage();
    await second.goto(`${base}/console/sign-in`);
    await second.fill('#email', 'admin3@journey.test');
    await second.fill('#password', PASSWORD);
    await second.click('[data-action="sign-in"]');
    await second.waitForURL(`${base}/console`);
    await signInPage(b.page, base, 'admin3@journey.test', PASSWORD);
    await page.click('a:has-text("Your sessions")');
    await page.waitForURL(/\/console\/sessions$/);
    expect(await page.textContent('#session-list')).toContain('Firefox on Linux');
    expect(await page.textContent('#session-list')).toContain('This browser');
    await checkPage(b, 'sessions');
    await page.click('[data-device="Firefox on Linux"] [data-action="revoke-session"]');
    await page.waitForURL(/\?done=revoked$/);
    expect(await page.textContent('#session-list')).not.toContain('Firefox on Linux');
    await second.goto(`${base}/console`);
    await second.waitForURL(/\/console\/sign-in/);
    await other.close();
  });

  it('every page was walked, and no page logged a script error or CSP violation', () => {
    expect([...b.visited].sort()).toEqual(['/console/sessions', '/console/staff', '/console/staff/:id', '/console/staff/new'].sort());
    expect(b.problems).toEqual([]);
  });
});
