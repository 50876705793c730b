import { expect } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import playwright, { type Browser, type Page } from 'playwright-core';

// The console journeys' browser setup, for new journey files: Chromium, axe at desktop and phone
// width, no UUID or snake_case code on screen, screenshots in test/artifacts.
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
const ARTIFACTS = join(process.cwd(), 'test', 'artifacts');
const AXE_SOURCE = hasChromium ? readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8') : '';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const SNAKE = /\b[a-z]+_[a-z_]+\b/;

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
  /** Paths checked, ids as `:id`. */
  visited: Set<string>;
  check(name: string): Promise<void>;
  signIn(base: string, email: string, password: string): Promise<void>;
  close(): Promise<void>;
}

export async function openConsoleBrowser(): Promise<ConsoleBrowser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await playwright.chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const problems: string[] = [];
  const visited = new Set<string>();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return {
    browser,
    page,
    problems,
    visited,
    async check(name) {
      visited.add(new URL(page.url()).pathname.replace(UUID, ':id'));
      for (const width of [1280, 375]) {
        await page.setViewportSize({ width, height: 900 });
        if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
        const { violations } = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as { violations: AxeViolation[] };
        expect(violations.map((v) => `${name} at ${width}px: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      }
      await page.setViewportSize({ width: 1280, height: 900 });
      const text = (await page.evaluate('document.body.innerText')) as string;
      expect({ page: name, uuid: UUID.exec(text)?.[0] ?? null, code: SNAKE.exec(text)?.[0] ?? null }).toEqual({ page: name, uuid: null, code: null });
      await page.screenshot({ path: join(ARTIFACTS, `console-${name}.png`), fullPage: true });
    },
    async signIn(base, email, password) {
      await page.context().clearCookies();
      await page.goto(`${base}/console`);
      await page.waitForURL(/\/console\/sign-in/);
      await page.fill('#email', email);
      await page.fill('#password', password);
      await page.click('[data-action="sign-in"]');
      await page.waitForURL(`${base}/console`);
    },
    close: () => browser.close(),
  };
}
