import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ResidentLinksService } from '@beacon/residents';
import { checkPage, hasChromium, startConsoleApp, useConsoleBrowser } from './utils/console-browser';
import { makeResident } from './utils/factories';
import { loginAs, type TestApp } from './utils/test-app';
import type { Auth } from './utils/world';

// Issue 16, residents' own pages: a coordinator and two volunteers in Chromium. A resident joins
// a scheme from their manage page, a coordinator invites one who accepts through their own link,
// and a Street Watch volunteer registers a patrol with a partner; every page axe-clean at 1280
// and 375 px with no raw code or id on screen. Every form is a plain post that redirects (no
// script on these pages; test/resident-scheme-pages.e2e-spec.ts posts them without a browser).
if (!hasChromium && process.env.CI === 'true') throw new Error('/usr/bin/chromium not found and CI=true');

(hasChromium ? describe : describe.skip)('scheme volunteers and coordinators in Chromium', () => {
  let t: TestApp;
  let base: string;
  let eco: Auth;

  const session = (residentId: string) => t.app.get(ResidentLinksService).manageToken(residentId, 'full');
  const weekAhead = new Date(Date.now() + 8 * 24 * 3600 * 1000).toLocaleDateString('en-CA', { timeZone: 'Europe/London' });

  const b = useConsoleBrowser();
  beforeAll(async () => {
    ({ t, base } = await startConsoleApp({ name: 'scheme-journey', domain: 'scheme-journey.test', password: 'unused-password-1', staff: [] }));
    eco = (await loginAs(t, 'eco', 'BE')).auth as Auth;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('joins from the manage page, invites and accepts, registers a patrol with a partner (errors first; reloads post nothing)', async () => {
    const { page } = b;
    const coco = await makeResident(t, { ward: 'BE01', firstName: 'Coco' });
    const ivy = await makeResident(t, { ward: 'BE02', firstName: 'Ivy' });
    const res = await t.http().post('/api/v1/schemes').set(...eco).send({ type: 'street_watch', name: 'Coleshill Road Street Watch', wardCode: 'BE01', coordinatorResidentId: coco.id, coordinatorConsent: 'in_person' }).expect(201);
    const watch = (res.body as { id: string }).id;
    await t.http().post('/api/v1/schemes').set(...eco).send({ type: 'neighbourhood_watch', name: 'Bucklands End Watch', wardCode: 'BE02' }).expect(201);

    // Ivy joins her ward's Neighbourhood Watch from her manage page.
    await page.goto(`${base}/me?token=${session(ivy.id)}`);
    await page.click('a:has-text("Your watch schemes and patrols")');
    await page.waitForURL(/\/me\/schemes\?token=/);
    await checkPage(b, 'resident-schemes');
    await page.click('button[aria-label="Join Bucklands End Watch"]');
    await page.waitForURL(/done=joined$/);
    await page.waitForSelector('.govuk-notification-banner:has-text("You have joined the scheme.")');
    await page.reload();
    expect(await t.sql('SELECT 1 FROM scheme_member m JOIN scheme s ON s.id = m.scheme_id WHERE m.resident_id = $1', [ivy.id])).toHaveLength(1);

    // Coco, the Street Watch's coordinator, invites Ivy (a bad address first).
    await page.goto(`${base}/me/schemes?token=${session(coco.id)}`);
    await page.click('a:has-text("Manage members")');
    await page.waitForURL(/\/members\?token=/);
    await checkPage(b, 'resident-scheme-members');
    await page.fill('#email', 'not-an-address');
    await page.click('button:has-text("Send the invitation")');
    await page.waitForSelector('.govuk-error-summary a[href="#email"]');
    await checkPage(b, 'resident-scheme-members-errors');
    await page.fill('#email', ivy.email!);
    await page.click('button:has-text("Send the invitation")');
    await page.waitForURL(/done=invited$/);
    await checkPage(b, 'resident-scheme-invited');
    expect(await t.sql('SELECT 1 FROM scheme_member WHERE scheme_id = $1 AND resident_id = $2', [watch, ivy.id])).toHaveLength(0);

    // Ivy accepts through her own link.
    await page.goto(`${base}/me/schemes?token=${session(ivy.id)}`);
    await page.waitForSelector('.scheme-invitation:has-text("Coleshill Road Street Watch")');
    await checkPage(b, 'resident-scheme-invitation');
    await page.click('button[aria-label="Accept the invitation to Coleshill Road Street Watch"]');
    await page.waitForURL(/done=accepted$/);

    // Ivy registers a patrol with Coco (a missing partner and time first).
    await page.click('a:has-text("Register a patrol")');
    await page.waitForURL(/\/patrols\/new\?token=/);
    await checkPage(b, 'resident-patrol-form');
    await page.click('button:has-text("Register the patrol")');
    await page.waitForSelector('.govuk-error-summary a[href="#partner"]');
    await checkPage(b, 'resident-patrol-form-errors');
    await page.check('label:has-text("Coco")');
    await page.fill('#day', weekAhead);
    await page.fill('#startTime', '19:00');
    await page.fill('#endTime', '21:30');
    await page.fill('#route', 'Coleshill Road and back via the park');
    await page.click('button:has-text("Register the patrol")');
    await page.waitForURL(/done=patrol$/);
    await page.waitForSelector('.my-patrol:has-text("with Coco")');
    await checkPage(b, 'resident-patrol-registered');
    expect(b.problems).toEqual([]);
    await page.reload();
    expect(await t.sql('SELECT 1 FROM patrol WHERE scheme_id = $1', [watch])).toHaveLength(1);

    // Ivy leaves the Neighbourhood Watch she joined; the page says so and a reload posts nothing.
    await page.click('button[aria-label="Leave this scheme, Bucklands End Watch"]');
    await page.waitForURL(/done=left$/);
    await checkPage(b, 'resident-scheme-left');
    await page.reload();
    expect(await page.locator('.my-scheme:has-text("Bucklands End Watch")').count()).toBe(0);
    expect(await t.sql('SELECT left_at IS NOT NULL AS closed FROM scheme_member_period p JOIN scheme s ON s.id = p.scheme_id WHERE s.name = $1 AND p.member_key = $2', ['Bucklands End Watch', ivy.id])).toEqual([{ closed: true }]);
    expect(b.problems).toEqual([]);
  }, 240_000);
});
