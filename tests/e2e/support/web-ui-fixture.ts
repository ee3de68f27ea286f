import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expectEventually } from '@modelguard/testing';
import { type EmbeddedApp, startEmbedded } from '@modelguard/embedded';
import { DEFAULT_ADMIN_NAME, DEFAULT_ADMIN_PASSWORD } from '@modelguard/gateway-feature';
import { buildZip } from '@modelguard/gateway-feature/testing';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchChromium } from './browser';
import { RegistryClient } from './registry-client';

// The gateway serves GATEWAY_WEB_DIR (default dist/web, relative to the working directory, like the gateway does).
export const WEB_INDEX = join(resolve(process.env['GATEWAY_WEB_DIR'] ?? 'dist/web'), 'index.html');
export const UI_TIMEOUT = 60_000;

/**
 * A weights file for a clean test package: `bytes` random bytes as base64 text after a `#` line. Bare random base64
 * sometimes starts with characters that sniff as a protocol-0 pickle (3 of 300 random files), which then fails to
 * parse, so the scanner blocks its package as unscannable, as it must; `#` is no pickle opcode (1,000 of 1,000 clean).
 */
export const base64Weights = (bytes: number): string => `# random weights as base64\n${randomBytes(bytes).toString('base64')}\n`;

/** The files of the clean model both web suites seed (`tiny-bert`). */
export const tinyBertFiles = (): Record<string, string> => ({ 'README.md': '# tiny-bert\nA small text model.\n', 'config.json': '{"model_type":"bert"}', 'weights.safetensors': base64Weights(4096) });

export interface WebUiFixture {
  app: EmbeddedApp;
  browser: Browser;
  /** One page for the whole suite: the token lives in its memory only, so tests continue where the last one stopped. */
  page: Page;
  /** The admin's registry token (`X-Authorization`). */
  token: string;
  /** A fresh folder for the suite's files (deleted by close). */
  dataDir: string;
  apiCall: (method: string, path: string, init?: { body?: Buffer | string; type?: string }) => Promise<Response>;
  /** In-app navigation: a reload would forget the token, which lives in page memory only. */
  goTo: (to: string) => Promise<void>;
  /** Uploads a zip of `files` as the admin and waits until its latest version scanned clean; returns the id. */
  uploadClean: (type: string, name: string, files: Record<string, string>) => Promise<string>;
  /** Registers a non-admin user with `permissions` (as the admin) and returns that user's sign-in token. */
  addUser: (name: string, password: string, permissions: string[]) => Promise<string>;
  /** A JSON API call carrying another user's token. */
  callAs: (userToken: string) => (method: string, path: string, json?: unknown) => Promise<Response>;
  /** Fills and submits the sign-in form (the page must show it) and waits for the directory. */
  signIn: (name?: string, password?: string) => Promise<void>;
  close: () => Promise<void>;
}

/** An embedded registry on a fresh data dir, signed in as the admin over the API, and Chromium with one page. */
export async function startWebUiFixture(): Promise<WebUiFixture> {
  if (!existsSync(WEB_INDEX)) throw new Error(`${WEB_INDEX} is missing: run \`npm run build\` first (it bundles apps/web)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-web-e2e-'));
  let app: EmbeddedApp | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const started = await startEmbedded({ env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, httpPort: 0 });
    app = started;
    const token = await new RegistryClient(started.url).login();
    browser = await launchChromium();
    // bypassCSP only so axe-core can be injected as a script tag; the serving test proves the app runs under the CSP.
    const page = await (await browser.newContext({ acceptDownloads: true, bypassCSP: true, viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(UI_TIMEOUT);

    const apiCall: WebUiFixture['apiCall'] = (method, path, init = {}) =>
      fetch(`${started.url}${path}`, {
        method,
        headers: { 'x-authorization': token, ...(init.type ? { 'content-type': init.type } : {}) },
        body: init.body,
        signal: AbortSignal.timeout(30_000),
      });

    const goTo: WebUiFixture['goTo'] = (to) =>
      page.evaluate((target) => {
        const g = globalThis as unknown as { history: { pushState(s: null, t: string, u: string): void }; dispatchEvent(e: unknown): void; PopStateEvent: new (type: string) => unknown };
        g.history.pushState(null, '', target);
        g.dispatchEvent(new g.PopStateEvent('popstate'));
      }, to);

    const uploadClean: WebUiFixture['uploadClean'] = async (type, name, files) => {
      const res = await apiCall('POST', `/artifact/${type}/package?name=${name}`, { body: await buildZip(files), type: 'application/zip' });
      const body = (await res.json()) as { metadata: { id: string } };
      expect(res.status, JSON.stringify(body)).toBe(201);
      const id = body.metadata.id;
      await expectEventually(
        async () => {
          const versions = (await (await apiCall('GET', `/artifacts/${type}/${id}/versions`)).json()) as Array<{ scan_state: string }>;
          expect(versions.at(-1)?.scan_state).toBe('clean');
        },
        { timeoutMs: 90_000, intervalMs: 500 },
      );
      return id;
    };

    const signIn: WebUiFixture['signIn'] = async (name = DEFAULT_ADMIN_NAME, password = DEFAULT_ADMIN_PASSWORD) => {
      await page.getByLabel('User name').fill(name);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Browse the registry' }).waitFor();
    };

    const addUser: WebUiFixture['addUser'] = async (name, password, permissions) => {
      const made = await apiCall('POST', '/users', { body: JSON.stringify({ user: { name, is_admin: false }, secret: { password }, permissions }), type: 'application/json' });
      expect(made.status, await made.clone().text()).toBe(201);
      const signin = await fetch(`${started.url}/authenticate`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: { name, is_admin: false }, secret: { password } }) });
      return (await signin.json()) as string;
    };

    const callAs: WebUiFixture['callAs'] = (userToken) => (method, path, json) =>
      fetch(`${started.url}${path}`, { method, headers: { 'x-authorization': userToken, 'content-type': 'application/json' }, body: json === undefined ? undefined : JSON.stringify(json), signal: AbortSignal.timeout(30_000) });

    return { app: started, browser, page, token, dataDir, apiCall, goTo, uploadClean, addUser, callAs, signIn, close };
  } catch (err) {
    await close();
    throw err;
  }
}
