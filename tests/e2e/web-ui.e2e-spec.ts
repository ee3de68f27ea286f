import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ADMIN_NAME, DEFAULT_ADMIN_PASSWORD } from '@modelguard/gateway-feature';
import { buildZip } from '@modelguard/gateway-feature/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations, focusedOutline, screenshot } from './support/browser';
import { maliciousPickle } from './support/hf-mirror-fixture';
import { COMPLETE_URL, cutAfter, interceptChunks } from './support/upload-sessions';
import { base64Weights, startWebUiFixture, tinyBertFiles, UI_TIMEOUT, WEB_INDEX, type WebUiFixture } from './support/web-ui-fixture';

// Serving, sign-in, browsing, artifact pages, uploads (blocked, released, resumed) and the admin page. The release
// aliases, health workload, tokens and logs are in web-ui-releases-admin.e2e-spec.ts, with their own registry.
describe('the web interface in Chromium against an embedded registry', () => {
  let fx: WebUiFixture | undefined;
  let app: WebUiFixture['app'];
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  let apiCall: WebUiFixture['apiCall'];
  let goTo: WebUiFixture['goTo'];
  let cleanModelId: string;

  beforeAll(async () => {
    fx = await startWebUiFixture();
    ({ app, browser, page, dataDir, apiCall, goTo } = fx);
    cleanModelId = await fx.uploadClean('model', 'tiny-bert', tinyBertFiles());
    await fx.uploadClean('dataset', 'tiny-corpus', { 'README.md': '# tiny corpus\n', 'data.csv': 'a,b\n1,2\n' });
  }, 300_000);

  afterAll(() => fx?.close());

  it('serves the page at its client routes, with a strict CSP, and every API route still answers JSON', async () => {
    for (const path of ['/', '/browse', '/view/model/abc', '/upload', '/admin', '/status']) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/text\/html/);
      expect(res.headers.get('content-security-policy'), path).toContain("script-src 'self'");
      expect(await res.text()).toContain('<div id="root">');
    }
    const json = async (res: Response) => {
      expect(res.headers.get('content-type'), res.url).toMatch(/application\/json/);
      return res.json() as Promise<unknown>;
    };
    expect(await json(await apiCall('POST', '/artifacts', { body: JSON.stringify([{ name: '*' }]), type: 'application/json' }))).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'tiny-bert' })]));
    expect((await apiCall('GET', `/artifacts/model/${cleanModelId}`)).status).toBe(200);
    await json(await apiCall('GET', `/artifacts/model/${cleanModelId}`));
    await json(await apiCall('GET', '/artifact/byName/tiny-bert'));
    await json(await apiCall('GET', '/tracks'));
    await json(await fetch(`${app.url}/health`));
    await json(await fetch(`${app.url}/openapi.json`));
    const missing = await apiCall('GET', '/artifacts/model/does-not-exist');
    expect(missing.status).toBe(404);
    await json(missing);
    // Asset names cannot climb out of the bundle folder.
    expect((await fetch(`${app.url}/assets/..%2Fpackage.json`)).status).toBe(404);
    // The app renders under its own CSP (a context that enforces it), with no violation reported.
    const strict = await browser.newContext();
    const strictPage = await strict.newPage();
    const cspErrors: string[] = [];
    strictPage.on('console', (m) => m.type() === 'error' && cspErrors.push(m.text()));
    await strictPage.goto(`${app.url}/`);
    await strictPage.getByRole('heading', { name: 'Sign in to ModelGuard' }).waitFor();
    expect(cspErrors, cspErrors.join('\n')).toEqual([]);
    await strict.close();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(readFileSync(WEB_INDEX, 'utf8'))![1]!;
    const asset = await fetch(`${app.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
  });

  it('signs in by keyboard alone with visible focus, shows inline errors, and keeps the token out of storage', async () => {
    await page.goto(`${app.url}/`);
    await page.getByRole('heading', { name: 'Sign in to ModelGuard' }).waitFor();
    await expectNoAxeViolations(page, 'sign-in page');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#signin-name-error').textContent(), { timeout: UI_TIMEOUT }).toBe('Enter your user name.');
    expect(await page.getByLabel('User name').getAttribute('aria-invalid')).toBe('true');
    await expectNoAxeViolations(page, 'sign-in page with errors');
    await screenshot(page, '01-signin-errors');

    await page.goto(`${app.url}/signin`);
    await page.getByRole('heading', { name: 'Sign in to ModelGuard' }).waitFor();
    const stops: string[] = [];
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      const focused = await focusedOutline(page);
      expect(focused.outline, `focus on ${focused.tag} ${focused.label} is visible`).toMatch(/^(solid|auto) [1-9]/);
      stops.push(focused.label);
      if (focused.label === 'signin-name') break;
    }
    expect(stops).toContain('signin-name');
    await page.keyboard.type(DEFAULT_ADMIN_NAME);
    await page.keyboard.press('Tab');
    await page.keyboard.type(DEFAULT_ADMIN_PASSWORD);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Browse the registry' }).waitFor();
    await expect.poll(() => page.getByTestId('token-info').textContent(), { timeout: UI_TIMEOUT }).toMatch(/Token used \d+ of \d+ times · expires/);
    const stored = await page.evaluate(() => {
      const g = globalThis as unknown as { localStorage: { length: number }; sessionStorage: { length: number }; document: { cookie: string } };
      return { storage: g.localStorage.length + g.sessionStorage.length, cookie: g.document.cookie };
    });
    expect(stored).toEqual({ storage: 0, cookie: '' });
  });

  it('browses the directory and searches by name (keyboard), regex and type, each result with its verdict', async () => {
    await page.getByRole('link', { name: 'tiny-corpus' }).waitFor();
    await expect.poll(() => page.locator('tr', { hasText: 'tiny-bert' }).textContent(), { timeout: UI_TIMEOUT }).toContain('Clean');
    await expectNoAxeViolations(page, 'directory');
    await screenshot(page, '02-browse');

    await page.getByLabel('Whole directory').focus();
    await page.keyboard.press('ArrowDown'); // radio group: arrows move to "Exact name"
    expect(await page.getByLabel('Exact name').isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    expect((await focusedOutline(page)).label).toBe('search-text');
    await page.keyboard.type('tiny-bert');
    await page.keyboard.press('Enter');
    await page.waitForURL(/mode=name/);
    await page.getByRole('link', { name: 'tiny-bert' }).waitFor();
    expect(await page.getByRole('link', { name: 'tiny-corpus' }).count()).toBe(0);

    await page.getByLabel('Regular expression (names and READMEs)').check();
    await page.getByLabel('Regular expression', { exact: true }).fill('(a+)+(');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#search-text-error').waitFor();
    await expectNoAxeViolations(page, 'search with a bad regex');
    await page.getByLabel('Regular expression', { exact: true }).fill('^tiny');
    await page.getByLabel('dataset').check();
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'tiny-corpus' }).waitFor();
    expect(await page.getByRole('link', { name: 'tiny-bert' }).count()).toBe(0);
  });

  it('opens an artifact page (versions, scan report, signed files) and downloads the package with progress', async () => {
    await goTo('/browse?mode=name&q=tiny-bert');
    await page.getByRole('link', { name: 'tiny-bert' }).click();
    await page.getByRole('heading', { name: /tiny-bert/, level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Security scan' }).waitFor();
    expect(await page.locator('table.findings').textContent()).toContain('weights.safetensors');
    await page.getByRole('heading', { name: 'Files and signature' }).waitFor();
    await expectNoAxeViolations(page, 'artifact page');
    await screenshot(page, '03-artifact');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('tiny-bert.zip');
    const saved = join(dataDir, 'downloaded.zip');
    await file.saveAs(saved);
    expect(readFileSync(saved).subarray(0, 2).toString()).toBe('PK');
    await expect.poll(() => page.getByTestId('download-status').textContent(), { timeout: UI_TIMEOUT }).toMatch(/^Downloaded \d/);
  });

  it('uploads with a real progress bar, then watches the scan block a malicious package', async () => {
    await page.getByRole('link', { name: 'Upload' }).click();
    await page.getByRole('heading', { name: 'Upload a package' }).waitFor();
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.locator('#upload-name-error').waitFor();
    await page.locator('#upload-file-error').waitFor();
    await expectNoAxeViolations(page, 'upload form with errors');

    // Several MiB of incompressible padding so the upload spans many progress events.
    const zip = await buildZip({ 'README.md': '# evil\n', 'pytorch_model.bin': maliciousPickle(), 'padding.bin': randomBytes(6 * 1024 * 1024) });
    const zipPath = join(dataDir, 'evil-model.zip');
    writeFileSync(zipPath, zip);
    await page.getByLabel('Name').fill('evil-model');
    await page.getByLabel('Package (.zip)').setInputFiles(zipPath);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const progress = page.locator('#upload-progress');
    await expect.poll(() => progress.getAttribute('value'), { timeout: UI_TIMEOUT }).toBe(String(zip.length));
    expect(await progress.getAttribute('max')).toBe(String(zip.length));
    expect(await page.getByTestId('upload-figures').textContent()).toMatch(/^Sent 6\.\d MiB of 6\.\d MiB/);

    await expect.poll(() => page.getByTestId('scan-status').textContent(), { timeout: 120_000, interval: 1000 }).toContain('Refused: the scan blocked this package');
    await expectNoAxeViolations(page, 'upload refused by the scan');
    await screenshot(page, '04-upload-blocked');
  });

  it('lets an admin release the blocked version with a required reason, and guards the reset with a confirmation', async () => {
    await page.getByRole('link', { name: 'Open the artifact page' }).first().click();
    await page.getByRole('heading', { name: /evil-model/, level: 1 }).waitFor();
    expect(await page.locator('table.findings').textContent()).toMatch(/CRITICAL/);
    await page.getByRole('button', { name: /^Release / }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Release version' }).click();
    await page.locator('#override-reason-error').waitFor();
    await expectNoAxeViolations(page, 'override dialog with an error');
    await screenshot(page, '05-override-dialog');
    await page.getByLabel('Reason (required)').fill('reviewed by security: test fixture');
    await dialog.getByRole('button', { name: 'Release version' }).click();
    await expect.poll(() => page.locator('#versions-title + form + table').textContent(), { timeout: UI_TIMEOUT }).toContain('released by');
    // The lineage graph links the dataset the model was registered with (drawn as a dataset); it opens that page.
    await page.getByRole('link', { name: /^tiny-corpus dataset/ }).click();
    await page.getByRole('heading', { name: /tiny-corpus/, level: 1 }).waitFor();

    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Users and permissions' }).waitFor();
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.locator('#new-user-password-error').waitFor();
    await expectNoAxeViolations(page, 'admin page with errors');
    await page.getByRole('button', { name: 'Reset the registry…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete everything' }).click();
    await page.locator('#reset-confirm-error').waitFor();
    await expectNoAxeViolations(page, 'reset dialog with an error');
    await screenshot(page, '06-reset-dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect((await apiCall('GET', `/artifacts/model/${cleanModelId}`)).status).toBe(200); // nothing was reset

    await page.getByRole('link', { name: 'Health' }).click();
    await page.getByRole('heading', { name: 'Health of the registry' }).waitFor();
    await page.locator('.component').first().waitFor();
    await expectNoAxeViolations(page, 'health dashboard');
    await screenshot(page, '07-health');
  });

  it('keeps the chosen file when an upload fails (a 5xx, then a dropped connection) and resumes it, sending only the rest', async () => {
    await page.getByRole('link', { name: 'Upload' }).click();
    await page.getByRole('heading', { name: 'Upload a package' }).waitFor();
    const zipPath = join(dataDir, 'retry-model.zip');
    const zip = await buildZip({ 'README.md': '# retry-model\n', 'config.json': '{"model_type":"bert"}', 'weights.safetensors': base64Weights(256 * 1024) });
    writeFileSync(zipPath, zip);
    await page.getByLabel('Name').fill('retry-model');
    await page.getByLabel('Package (.zip)').setInputFiles(zipPath);
    // The registry answers the first chunk 503; the connection drops half-way through the second; the third gets in.
    const half = Math.floor(zip.length / 2);
    let cutStatus = 0;
    const chunks = await interceptChunks(page, async (attempt, route, body) => {
      if (attempt === 1) return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'object storage is unavailable' }) });
      if (attempt === 2) cutStatus = await cutAfter(route, body, half);
      else await route.continue();
    });
    const stage = page.getByTestId('upload-failure-stage');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: UI_TIMEOUT }).toContain('The upload failed: object storage is unavailable');
    expect(await stage.textContent()).toMatch(/refused or failed to store it \(HTTP 503\)\. Your choices and the chosen file are kept: press “Resume upload”/);
    await expectNoAxeViolations(page, 'upload failed with a server error');
    await screenshot(page, '04b-upload-failed');
    await page.getByRole('button', { name: 'Resume upload' }).click();
    await expect.poll(() => stage.textContent(), { timeout: UI_TIMEOUT }).toMatch(/connection broke off; the registry holds .+ of .+\. .*send only the remaining/);
    expect(cutStatus).toBe(200);
    expect(await page.locator('#upload-progress').getAttribute('value')).toBe(String(half));
    expect(await page.getByRole('alert').textContent()).toContain('Check your connection and try again.');
    await expectNoAxeViolations(page, 'upload cut off mid-way, resumable');
    await screenshot(page, '04c-upload-resumable');
    // Nothing was re-chosen; the resume asks the registry's offset and sends only the bytes after it.
    expect(await page.locator('#upload-file').evaluate((el) => (el as unknown as { files: { length: number } }).files.length)).toBe(1);
    await page.getByRole('button', { name: 'Resume upload' }).click();
    await expect.poll(() => page.getByTestId('scan-status').textContent(), { timeout: 120_000, interval: 1000 }).toContain('Ready: the package passed its checks.');
    expect(await stage.count()).toBe(0);
    expect(await page.locator('#upload-progress').getAttribute('value')).toBe(String(zip.length));
    expect(chunks.sent).toEqual([{ offset: 0, bytes: zip.length }, { offset: 0, bytes: zip.length }, { offset: half, bytes: zip.length - half }]);
    await chunks.stop();
    const named = (await (await apiCall('GET', '/artifact/byName/retry-model')).json()) as unknown[];
    expect(named).toHaveLength(1);

    // The answer to the completion is lost after the registry stored the package: the page asks the session and
    // finds it stored instead of offering a re-send.
    let storedStatus = 0;
    await page.route(
      COMPLETE_URL,
      async (route) => {
        storedStatus = (await route.fetch()).status();
        await route.abort('connectionreset');
      },
      { times: 1 },
    );
    await page.getByLabel('Name').fill('lost-answer-model');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByTestId('upload-recovered').waitFor();
    expect(storedStatus).toBe(201);
    await expect.poll(() => page.getByTestId('scan-status').textContent(), { timeout: 120_000, interval: 1000 }).toContain('Ready: the package passed its checks.');
    expect(await page.getByRole('button', { name: /Resume upload|Retry upload/ }).count()).toBe(0);
    expect((await (await apiCall('GET', '/artifact/byName/lost-answer-model')).json()) as unknown[]).toHaveLength(1);
    await expectNoAxeViolations(page, 'upload stored although its answer was lost');
    await page.unroute(COMPLETE_URL);
    // Two uploads, each waited on until its scan verdict (up to 120 s apiece under load): more than the tier's 120 s.
  }, 240_000);
});
