import { afterAll, beforeAll, expect } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import playwright, { type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { StaffService } from '@beacon/auth';
import type { StaffRole } from '@beacon/core';
import { freePort } from './free-port';
import { createTestApp, seedGeography, type TestApp } from './test-app';

// Shared by the console journey tests in Chromium: the browser, axe, the words check and sign-in.
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const ARTIFACTS = join(process.cwd(), 'test', 'artifacts');
const AXE_SOURCE = hasChromium ? readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8') : '';
export const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
export const SNAKE = /\b[a-z]+_[a-z_]+\b/;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

export interface ConsoleBrowser {
  browser: Browser;
  page: Page;
  /** Script errors and CSP violations seen on any page. */
  problems: string[];
  /** Paths checked, UUIDs as ':id'. */
  visited: Set<string>;
}

export async function launchConsoleBrowser(): Promise<ConsoleBrowser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await playwright.chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true })).newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return { browser, page, problems, visited: new Set() };
}

/**
 * What a person reads on the page, less what is shown verbatim as it was sent or typed
 * (`[data-verbatim]`: a message's own text, with its links), which is content, not a label.
 */
export async function visibleText(page: Page): Promise<string> {
  return (await page.evaluate(`(() => {
    const copy = document.body.cloneNode(true);
    copy.querySelectorAll('[data-verbatim], script, style, [hidden]').forEach((n) => n.remove());
    document.body.appendChild(copy);
    copy.style.position = 'absolute';
    const text = copy.innerText;
    copy.remove();
    return text;
  })()`)) as string;
}

/** A raw code or id on the page: the first UUID-shaped or snake_case word, or null. */
export async function rawCodeOn(page: Page): Promise<{ uuid: string | null; code: string | null }> {
  const text = await visibleText(page);
  return { uuid: UUID.exec(text)?.[0] ?? null, code: SNAKE.exec(text)?.[0] ?? null };
}

/** axe at desktop and phone width, then the words on screen: no UUID and no snake_case code; a screenshot. */
export async function checkPage(b: ConsoleBrowser | Page, name: string, widths: number[] = [1280, 375]): Promise<void> {
  const page = 'visited' in b ? b.page : b;
  if ('visited' in b) b.visited.add(new URL(page.url()).pathname.replace(new RegExp(UUID.source, 'gi'), ':id'));
  for (const width of widths) {
    await page.setViewportSize({ width, height: 900 });
    if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
    const { violations } = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as { violations: AxeViolation[] };
    expect(violations.map((v) => `${name} at ${width}px: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  expect({ page: name, ...(await rawCodeOn(page)) }).toEqual({ page: name, uuid: null, code: null });
  await page.screenshot({ path: join(ARTIFACTS, `console-${name}.png`), fullPage: true });
}

export async function signInPage(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${base}/console`);
  await page.waitForURL(/\/console\/sign-in/);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('[data-action="sign-in"]');
  await page.waitForURL(`${base}/console`);
}

export const csrfOf = (html: string) => /name="csrfToken" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** The `Set-Cookie` header of the cookie `name` in a response, or undefined. */
export const cookieOf = (res: request.Response, name: string) => ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));

/** A signed-in console session over HTTP (supertest agent), a CSRF token of it and its session cookie as set. */
export async function consoleAgent(t: TestApp, email: string, password: string): Promise<{ agent: ReturnType<typeof request.agent>; csrf: string; cookie: string }> {
  const agent = request.agent(t.app.getHttpServer());
  const form = await agent.get('/console/sign-in').expect(200);
  const res = await agent.post('/console/sign-in').type('form').send({ email, password, csrfToken: csrfOf(form.text), next: '/console' }).expect(303);
  const cookie = cookieOf(res, 'beacon-session') ?? '';
  const home = await agent.get('/console').expect(200);
  return { agent, csrf: csrfOf(home.text), cookie };
}

/** Waits until the element's text contains `expected`; fails with what it saw. */
export async function expectContains(page: Page, selector: string, expected: string, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let seen = '';
  while (Date.now() < deadline) {
    seen = ((await page.locator(selector).first().textContent({ timeout: 1000 }).catch(() => '')) ?? '').replace(/\s+/g, ' ').trim();
    if (seen.includes(expected)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Expected ${selector} to contain "${expected}", saw "${seen}"`);
}

/** One staff member of a console test file: signs in as `${key}@${domain}` with the file's password. */
export type ConsoleStaff = readonly [key: string, name: string, role: StaffRole, npuCode: string | null];

export interface ConsoleApp {
  t: TestApp;
  /** Where the app listens, also its PUBLIC_URL: `http://127.0.0.1:<port>`. */
  base: string;
  /** Staff ids by key. */
  ids: Record<string, string>;
}

/**
 * The app of a console test file: listening on a free port (links in mail and pages point at it), a
 * data dir of its own, the small geography, and the file's staff (`key@domain`, all with `password`).
 */
export async function startConsoleApp(opts: { name: string; domain: string; password: string; staff: readonly ConsoleStaff[]; env?: Record<string, string> }): Promise<ConsoleApp> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await createTestApp({ ...opts.env, PUBLIC_URL: base, DATA_DIR: mkdtempSync(join(tmpdir(), `beacon-${opts.name}-`)) });
  await t.app.listen(port, '127.0.0.1');
  await seedGeography(t);
  const staff = t.app.get(StaffService);
  const ids: Record<string, string> = {};
  for (const [key, name, role, npuCode] of opts.staff) {
    ids[key] = (await staff.create({ email: `${key}@${opts.domain}`, name, password: opts.password, role, npuCode })).id;
  }
  return { t, base, ids };
}

/**
 * Chromium for the tests of one `describe`: launched in its `beforeAll` (where Chromium exists),
 * closed in its `afterAll`. The object is filled in place, so its fields are live once `beforeAll` has run.
 */
export function useConsoleBrowser(): ConsoleBrowser {
  const b = { problems: [], visited: new Set() } as unknown as ConsoleBrowser;
  beforeAll(async () => {
    if (hasChromium) Object.assign(b, await launchConsoleBrowser());
  });
  afterAll(async () => {
    await (b.browser as Browser | undefined)?.close();
  });
  return b;
}
