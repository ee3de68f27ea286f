import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Where browser tests leave their screenshots (kept as CI artifacts with the other .tmp/ results). */
export const SCREENSHOT_DIR = resolve(__dirname, '../../../.tmp/web-ui');

/** Debian's Chromium driven by playwright-core (no browser download possible here); .ci/run installs it. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    timeout: 120_000,
  });
}

/** Runs axe-core (WCAG 2.1 A/AA rules) on the page as it is now and fails listing every violation. */
/** The browser-side globals the callbacks below use (the test program is compiled without the DOM library). */
interface AxeResult {
  violations: Array<{ id: string; help: string; nodes: Array<{ target: unknown }> }>;
}
interface BrowserGlobals {
  axe?: { run: (context: string, options: unknown) => Promise<AxeResult> };
  document: { activeElement: { tagName: string; id: string; textContent: string | null; getAttribute(name: string): string | null } | null };
  getComputedStyle(element: unknown): { outlineStyle: string; outlineWidth: string };
}

/** Runs axe-core (WCAG 2.1 A/AA rules and best practices) on the page as it is now; fails listing every violation. */
export async function expectNoAxeViolations(page: Page, state: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ path: require.resolve('axe-core') });
  const violations = await page.evaluate(async () => {
    const result = await (globalThis as unknown as BrowserGlobals).axe!.run('html', {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`);
  });
  expect(violations, `axe violations on ${state}`).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** The focused element's outline, to prove keyboard focus is visible (not just present). */
export async function focusedOutline(page: Page): Promise<{ tag: string; label: string; outline: string }> {
  return page.evaluate(() => {
    const g = globalThis as unknown as BrowserGlobals;
    const el = g.document.activeElement;
    const style = el ? g.getComputedStyle(el) : undefined;
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      label: el?.getAttribute('aria-label') ?? (el?.id || el?.textContent?.trim() || ''),
      outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : '',
    };
  });
}
