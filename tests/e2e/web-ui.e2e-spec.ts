import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expectEventually } from '@modelguard/testing';
import { type EmbeddedApp, startEmbedded } from '@modelguard/embedded';
import { DEFAULT_ADMIN_NAME, DEFAULT_ADMIN_PASSWORD } from '@modelguard/gateway-feature';
import { buildZip } from '@modelguard/gateway-feature/testing';
import { createLogger } from '@modelguard/observability';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations, focusedOutline, launchChromium, screenshot } from './support/browser';
import { RegistryClient } from './support/registry-client';
import { COMPLETE_URL, cutAfter, interceptChunks } from './support/upload-sessions';

/** pickle.dumps only (never loads): what `torch.save` of an object with a hostile __reduce__ produces. */
const maliciousPickle = () =>
  execFileSync('python3', ['-c', "import os,pickle,sys\nclass P:\n    def __reduce__(self): return (os.system, ('echo pwned',))\nsys.stdout.buffer.write(pickle.dumps(P(), protocol=2))"]);

// The gateway serves GATEWAY_WEB_DIR (default dist/web, relative to the working directory, like the gateway does).
const WEB_INDEX = join(resolve(process.env['GATEWAY_WEB_DIR'] ?? 'dist/web'), 'index.html');
const UI_TIMEOUT = 60_000;

describe('the web interface in Chromium against an embedded registry', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-web-e2e-'));
  let app: EmbeddedApp;
  let browser: Browser;
  let page: Page;
  let token: string;
  let cleanModelId: string;
  // Shared with the later release and permission tests: the release test's model and its owner, the search-only user.
  let released: { modelId: string; version: string; ownerToken: string } | undefined;
  let searchOnlyUser = '';

  const apiCall = (method: string, path: string, init: { body?: Buffer | string; type?: string } = {}) =>
    fetch(`${app.url}${path}`, {
      method,
      headers: { 'x-authorization': token, ...(init.type ? { 'content-type': init.type } : {}) },
      body: init.body,
      signal: AbortSignal.timeout(30_000),
    });

  /** In-app navigation: a reload would forget the token, which lives in page memory only. */
  const goTo = (to: string) =>
    page.evaluate((target) => {
      const g = globalThis as unknown as { history: { pushState(s: null, t: string, u: string): void }; dispatchEvent(e: unknown): void; PopStateEvent: new (type: string) => unknown };
      g.history.pushState(null, '', target);
      g.dispatchEvent(new g.PopStateEvent('popstate'));
    }, to);

  const uploadClean = async (type: string, name: string, files: Record<string, string>) => {
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

  beforeAll(async () => {
    if (!existsSync(WEB_INDEX)) throw new Error(`${WEB_INDEX} is missing: run \`npm run build\` first (it bundles apps/web)`);
    app = await startEmbedded({ env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, httpPort: 0 });
    token = await new RegistryClient(app.url).login();
    cleanModelId = await uploadClean('model', 'tiny-bert', { 'README.md': '# tiny-bert\nA small text model.\n', 'config.json': '{"model_type":"bert"}', 'weights.safetensors': randomBytes(4096).toString('base64') });
    await uploadClean('dataset', 'tiny-corpus', { 'README.md': '# tiny corpus\n', 'data.csv': 'a,b\n1,2\n' });
    browser = await launchChromium();
    // bypassCSP only so axe-core can be injected as a script tag; the first test proves the app runs under the CSP.
    page = await (await browser.newContext({ acceptDownloads: true, bypassCSP: true, viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

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
    // In-app navigation: a reload would forget the token, which lives in page memory only.
    await page.evaluate(() => {
      const g = globalThis as unknown as { history: { pushState(s: null, t: string, u: string): void }; dispatchEvent(e: unknown): void; PopStateEvent: new (type: string) => unknown };
      g.history.pushState(null, '', '/browse?mode=name&q=tiny-bert');
      g.dispatchEvent(new g.PopStateEvent('popstate'));
    });
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

  it('runs the performance workload from the health dashboard by keyboard and shows its results as accessible charts', async () => {
    // Its own clean model: tiny-bert becomes sensitive later (a monitor program runs on each of its downloads).
    await uploadClean('model', 'perf-bert', { 'README.md': '# perf-bert\n', 'config.json': '{"model_type":"bert"}', 'weights.safetensors': randomBytes(64 * 1024).toString('base64') });
    await page.getByRole('link', { name: 'Health' }).click();
    await page.getByRole('heading', { name: 'Performance workload' }).waitFor();
    const run = page.getByRole('button', { name: 'Run performance workload' });

    // Out-of-bounds input is refused next to its field, before anything is sent.
    await page.locator('#workload-clients').fill('100000');
    await run.click();
    await page.locator('#workload-clients-error').waitFor();
    await page.locator('#workload-model-error').waitFor();
    await expectNoAxeViolations(page, 'performance workload form with errors');

    // A small workload: 3 clients x 2 downloads, the registry left as it is; started from the keyboard.
    await page.locator('#workload-model').fill('perf-bert');
    await page.locator('#workload-clients').fill('3');
    await page.locator('#workload-per-client').fill('2');
    await page.locator('#workload-registry').fill('');
    await run.focus();
    const focused = await focusedOutline(page);
    expect(focused.label).toBe('Run performance workload');
    expect(focused.outline).toMatch(/^(solid|auto) [1-9]/);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('workload-status').textContent(), { timeout: UI_TIMEOUT }).toMatch(/^Finished: 6 of 6 downloads succeeded over a registry of \d+ artifacts\.$/);
    expect(await page.getByTestId('workload-throughput').textContent()).toMatch(/^\d+\.\d MiB\/s$/);
    // Each chart carries its figures as its accessible name; the per-second numbers are also a table.
    expect(await page.getByRole('img', { name: /^Throughput over time: \d+ seconds?, peak / }).count()).toBe(1);
    expect(await page.getByRole('img', { name: /^Download latency: mean \d+ ms, median \d+ ms, p99 \d+ ms, max \d+ ms\.$/ }).count()).toBe(1);
    // The table opens from the keyboard too (a native <details>).
    await page.getByText('Throughput per second as a table').focus();
    await page.keyboard.press('Enter');
    const downloads = await page.getByRole('table', { name: 'Throughput per second (MiB/s)' }).locator('tbody tr td:nth-child(2)').allTextContents();
    expect(downloads.reduce((sum, n) => sum + Number(n), 0)).toBe(6);
    await expectNoAxeViolations(page, 'performance workload results');
    await screenshot(page, '07b-performance-workload');
  });

  it('keeps the chosen file when an upload fails (a 5xx, then a dropped connection) and resumes it, sending only the rest', async () => {
    await page.getByRole('link', { name: 'Upload' }).click();
    await page.getByRole('heading', { name: 'Upload a package' }).waitFor();
    const zipPath = join(dataDir, 'retry-model.zip');
    const zip = await buildZip({ 'README.md': '# retry-model\n', 'config.json': '{"model_type":"bert"}', 'weights.safetensors': randomBytes(256 * 1024).toString('base64') });
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
  });

  it('shows a model\'s release aliases, lets an approver approve a pending request by keyboard, and shows the alias history', async () => {
    // The model's owner (not the signed-in admin: nobody approves their own request) uploads it and asks for two moves.
    const owner = `releaser-${randomBytes(3).toString('hex')}`;
    const password = 'releaser-password-1';
    const made = await apiCall('POST', '/users', { body: JSON.stringify({ user: { name: owner, is_admin: false }, secret: { password }, permissions: ['upload', 'download', 'search'] }), type: 'application/json' });
    expect(made.status, await made.clone().text()).toBe(201);
    const signin = await fetch(`${app.url}/authenticate`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: { name: owner, is_admin: false }, secret: { password } }) });
    const ownerToken = (await signin.json()) as string;
    const asOwner = (method: string, path: string, json?: unknown) =>
      fetch(`${app.url}${path}`, { method, headers: { 'x-authorization': ownerToken, 'content-type': 'application/json' }, body: json === undefined ? undefined : JSON.stringify(json), signal: AbortSignal.timeout(30_000) });
    // A declared license: the scoring service's license metric is a release gate.
    const zip = await buildZip({ 'README.md': '---\nlicense: mit\n---\n# release-bert\n', 'config.json': '{"model_type":"bert"}', 'weights.safetensors': randomBytes(2048).toString('base64') });
    const uploaded = await fetch(`${app.url}/artifact/model/package?name=release-bert`, { method: 'POST', headers: { 'x-authorization': ownerToken, 'content-type': 'application/zip' }, body: zip });
    expect(uploaded.status, await uploaded.clone().text()).toBe(201);
    const modelId = ((await uploaded.json()) as { metadata: { id: string } }).metadata.id;
    let version = '';
    await expectEventually(
      async () => {
        const versions = (await (await apiCall('GET', `/artifacts/model/${modelId}/versions`)).json()) as Array<{ version: string; scan_state: string }>;
        expect(versions.at(-1)?.scan_state).toBe('clean');
        version = versions.at(-1)?.version ?? '';
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    for (const alias of ['staging', 'canary']) {
      const requested = await asOwner('POST', `/artifacts/model/${modelId}/aliases/${alias}/requests`, { version, note: `${alias} rollout` });
      expect(requested.status, await requested.clone().text()).toBe(201);
    }

    await page.evaluate((to) => {
      const g = globalThis as unknown as { history: { pushState(s: null, t: string, u: string): void }; dispatchEvent(e: unknown): void; PopStateEvent: new (type: string) => unknown };
      g.history.pushState(null, '', to);
      g.dispatchEvent(new g.PopStateEvent('popstate'));
    }, `/view/model/${modelId}`);
    await page.getByRole('heading', { name: 'Release aliases' }).waitFor();
    released = { modelId, version, ownerToken };
    const pending = page.getByRole('table', { name: 'Pending requests' });
    await expect.poll(() => pending.locator('tbody tr').count(), { timeout: UI_TIMEOUT }).toBe(2);
    expect(await pending.textContent()).toContain(`${owner} staging rollout`);
    await expectNoAxeViolations(page, 'release aliases with pending requests');

    // Keyboard only: focus moves to the Approve button with a visible ring, Enter approves (one approver for staging).
    const approve = page.getByRole('button', { name: `Approve staging → ${version}` });
    await approve.focus();
    // Back and forth by Tab, so the ring is the keyboard's (:focus-visible), not that of a programmatic focus.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const focused = await focusedOutline(page);
    expect(focused.label).toBe(`Approve staging → ${version}`);
    expect(focused.outline).toMatch(/^(solid|auto) [1-9]/);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('release-status').textContent(), { timeout: UI_TIMEOUT }).toBe(`Approved: staging now points at ${version}.`);
    await expect.poll(() => page.getByRole('table', { name: 'Aliases', exact: true }).textContent(), { timeout: UI_TIMEOUT }).toContain(`staging${version}`);
    await expect.poll(() => pending.locator('tbody tr').count(), { timeout: UI_TIMEOUT }).toBe(1);
    // The history opens from the keyboard too (a native <details>).
    await page.getByText('staging: 1 move').focus();
    await page.keyboard.press('Enter');
    const history = page.getByRole('table', { name: 'History of staging, newest first' });
    await history.waitFor();
    expect(await history.textContent()).toContain(`promotion—${version}${DEFAULT_ADMIN_NAME}`);
    await expectNoAxeViolations(page, 'release aliases after an approval, history open');
    await screenshot(page, '08b-release-aliases');
    // What the page shows is what `{id}@staging` serves.
    const served = await apiCall('GET', `/artifacts/model/${modelId}@staging/download`);
    expect(served.status).toBe(200);
    await served.arrayBuffer();
    expect(served.headers.get('x-modelguard-version')).toBe(version);
  });

  it('requests a release, rolls an alias back behind a confirmation dialog, and shows every refusal as an alert', async () => {
    if (released === undefined) throw new Error('the release-aliases test did not run');
    const { modelId, version: v1, ownerToken } = released;
    const asOwner = (method: string, path: string, json?: unknown) =>
      fetch(`${app.url}${path}`, { method, headers: { 'x-authorization': ownerToken, 'content-type': 'application/json' }, body: json === undefined ? undefined : JSON.stringify(json), signal: AbortSignal.timeout(30_000) });
    const zip = await buildZip({ 'README.md': '---\nlicense: mit\n---\n# release-bert, second cut\n', 'config.json': '{"model_type":"bert"}', 'weights.safetensors': randomBytes(2048).toString('base64') });
    const put = await fetch(`${app.url}/artifacts/model/${modelId}/package`, { method: 'PUT', headers: { 'x-authorization': ownerToken, 'content-type': 'application/zip' }, body: zip });
    expect(put.status, await put.clone().text()).toBe(200);
    const v2 = ((await put.json()) as { version: string }).version;
    await expectEventually(
      async () => {
        const versions = (await (await apiCall('GET', `/artifacts/model/${modelId}/versions`)).json()) as Array<{ version: string; scan_state: string }>;
        expect(versions.find((v) => v.version === v2)?.scan_state).toBe('clean');
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    const reopen = async () => {
      await goTo('/browse');
      await page.getByRole('heading', { name: 'Browse the registry' }).waitFor();
      await goTo(`/view/model/${modelId}`);
      await page.getByRole('heading', { name: 'Release aliases' }).waitFor();
    };
    await reopen();
    const status = () => page.getByTestId('release-status').textContent();
    const form = page.getByRole('form', { name: 'Request a release' });
    const alias = page.getByLabel('Alias', { exact: true });
    // A malformed alias is refused next to its field, before anything is sent.
    await alias.fill('Not An Alias');
    await form.getByRole('button', { name: 'Request release' }).click();
    await page.locator('#release-alias-error').waitFor();
    expect(await alias.getAttribute('aria-invalid')).toBe('true');
    // The gateway's refusal (staging already points at v1) is an alert with what to do.
    await alias.fill('staging');
    await form.getByLabel('Version').selectOption(v1);
    await form.getByRole('button', { name: 'Request release' }).click();
    await expect.poll(() => form.getByRole('alert').textContent(), { timeout: UI_TIMEOUT }).toContain(`already points at ${v1}`);
    expect(await page.locator('#release-alias-error').count()).toBe(0);
    await expectNoAxeViolations(page, 'release request refused');
    await form.getByLabel('Version').selectOption(v2);
    await page.getByLabel('Note (optional)').fill('second cut');
    await form.getByRole('button', { name: 'Request release' }).click();
    await expect.poll(status, { timeout: UI_TIMEOUT }).toBe(`Requested: staging → ${v2} waits for 1 approval.`);
    // The admin asked, so the admin may withdraw it but not approve it; the owner approves.
    await page.getByRole('button', { name: `Reject staging → ${v2}` }).waitFor();
    expect(await page.getByRole('button', { name: `Approve staging → ${v2}` }).count()).toBe(0);
    const pendingNow = (await (await asOwner('GET', `/artifacts/model/${modelId}/release-requests?state=pending`)).json()) as Array<{ id: string; alias: string; version: string }>;
    const asked = pendingNow.find((r) => r.alias === 'staging' && r.version === v2);
    expect((await asOwner('POST', `/artifacts/model/${modelId}/release-requests/${asked?.id ?? 'missing'}/approve`)).status).toBe(200);

    await reopen();
    const dialog = page.getByRole('dialog', { name: 'Roll back staging' });
    await page.getByRole('button', { name: `Roll back staging to ${v1}` }).click();
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`staging points at ${v2}. Rolling back points it at ${v1}`);
    await expectNoAxeViolations(page, 'rollback confirmation dialog');
    await screenshot(page, '08c-rollback-dialog');
    // Someone else rolls back first: the confirmation is refused, and the dialog says why.
    expect((await asOwner('POST', `/artifacts/model/${modelId}/aliases/staging/rollback`)).status).toBe(200);
    await dialog.getByRole('button', { name: `Roll back to ${v1}` }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent(), { timeout: UI_TIMEOUT }).toContain('no previous version to roll back to');
    await expectNoAxeViolations(page, 'rollback dialog with a refusal');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await dialog.isVisible()).toBe(false);

    // Promoted again (asked by the owner, approved here), then rolled back through the dialog by keyboard.
    expect((await asOwner('POST', `/artifacts/model/${modelId}/aliases/staging/requests`, { version: v2 })).status).toBe(201);
    await reopen();
    await page.getByRole('button', { name: `Approve staging → ${v2}` }).click();
    await expect.poll(status, { timeout: UI_TIMEOUT }).toBe(`Approved: staging now points at ${v2}.`);
    await page.getByRole('button', { name: `Roll back staging to ${v1}` }).focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Escape'); // Escape closes without rolling back
    expect(await dialog.isVisible()).toBe(false);
    await page.getByRole('button', { name: `Roll back staging to ${v1}` }).click();
    await dialog.getByRole('button', { name: `Roll back to ${v1}` }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(status, { timeout: UI_TIMEOUT }).toBe(`Rolled back: staging now points at ${v1}.`);
    expect(await dialog.isVisible()).toBe(false);
    await expect.poll(() => page.getByRole('table', { name: 'Aliases', exact: true }).textContent(), { timeout: UI_TIMEOUT }).toContain(`staging${v1}`);
    // Back at the first promotion, which has nothing before it: no rollback is offered.
    expect(await page.getByRole('button', { name: /^Roll back staging/ }).count()).toBe(0);
    await expectNoAxeViolations(page, 'release aliases after a rollback');
    const served = await apiCall('GET', `/artifacts/model/${modelId}@staging/download`);
    await served.arrayBuffer();
    expect(served.headers.get('x-modelguard-version')).toBe(v1);
  });

  it('shows a sensitive model with its monitor program and download history, manages tokens, and filters log lines', async () => {
    // A sensitive model with a monitor program, downloaded once through the API so its history has a row.
    expect((await apiCall('PUT', `/artifacts/model/${cleanModelId}/sensitive`)).status).toBe(200);
    expect((await apiCall('PUT', `/artifacts/model/${cleanModelId}/monitor`, { body: JSON.stringify({ source: 'process.exit(0);\n' }), type: 'application/json' })).status).toBe(200);
    const fetched = await apiCall('GET', `/artifacts/model/${cleanModelId}/download`);
    expect(fetched.status).toBe(200);
    await fetched.arrayBuffer();
    await page.evaluate((to) => {
      const g = globalThis as unknown as { history: { pushState(s: null, t: string, u: string): void }; dispatchEvent(e: unknown): void; PopStateEvent: new (type: string) => unknown };
      g.history.pushState(null, '', to);
      g.dispatchEvent(new g.PopStateEvent('popstate'));
    }, `/view/model/${cleanModelId}`);
    await page.getByRole('heading', { name: 'Sensitive model' }).waitFor();
    await page.getByRole('heading', { name: 'Download history' }).waitFor();
    expect(await page.locator('table[aria-labelledby="sensitive-history-title"]').textContent()).toMatch(/ece30861defaultadminuser.*allowed/);
    await expectNoAxeViolations(page, 'sensitive model with history');
    await screenshot(page, '08-sensitive-model');

    // Tokens: a second user's sign-in token, listed with its use count and revoked from the admin page.
    const holder = `token-holder-${randomBytes(3).toString('hex')}`;
    searchOnlyUser = holder;
    const created = await apiCall('POST', '/users', { body: JSON.stringify({ user: { name: holder, is_admin: false }, secret: { password: 'holder-password-1' }, permissions: ['search'] }), type: 'application/json' });
    expect(created.status, await created.clone().text()).toBe(201);
    const signin = await fetch(`${app.url}/authenticate`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: { name: holder, is_admin: false }, secret: { password: 'holder-password-1' } }) });
    const holderToken = (await signin.json()) as string;
    expect((await fetch(`${app.url}/artifacts/model/${cleanModelId}`, { headers: { 'x-authorization': holderToken } })).status).toBe(200);
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Tokens' }).waitFor();
    await page.getByLabel('User', { exact: true }).selectOption(holder);
    const holderTable = page.getByRole('table', { name: `Sign-in tokens of ${holder}` });
    await holderTable.waitFor();
    expect(await holderTable.textContent()).toMatch(/of \d+active/);
    await expectNoAxeViolations(page, 'admin tokens');
    await screenshot(page, '09-admin-tokens');
    // Keyboard only: from the user picker, Tab reaches the revoke button with a visible focus ring.
    await page.getByLabel('User', { exact: true }).focus();
    let focused = await focusedOutline(page);
    for (let i = 0; i < 12 && !focused.label.startsWith('Revoke token'); i++) {
      await page.keyboard.press('Tab');
      focused = await focusedOutline(page);
    }
    expect(focused.label).toMatch(/^Revoke token /);
    expect(focused.outline).toMatch(/^(solid|auto) [1-9]/);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByText(/^Revoked token /).count(), { timeout: UI_TIMEOUT }).toBe(1);
    await expect.poll(() => holderTable.getByRole('button', { name: /^Revoke token / }).count(), { timeout: UI_TIMEOUT }).toBe(0);
    expect([401, 403]).toContain((await fetch(`${app.url}/artifacts/model/${cleanModelId}`, { headers: { 'x-authorization': holderToken } })).status);

    // Log lines: this process's loggers feed the same bounded buffer the admin endpoint reads.
    const marker = `probe-${randomBytes(4).toString('hex')}`;
    createLogger('web-e2e-probe', { level: 'info', sink: { write: () => true } }).warn(`web e2e ${marker}`);
    expect((await apiCall('GET', '/logs/recent?pattern=.*')).status).toBe(400);
    expect((await apiCall('GET', '/logs/recent?level=loud')).status).toBe(400);
    await page.getByRole('link', { name: 'Health' }).click();
    await page.getByRole('heading', { name: 'Recent log lines' }).waitFor();
    await page.locator('#logs-service').fill('Not A Service');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('#logs-service-error').waitFor();
    await expectNoAxeViolations(page, 'log filter with an error');
    await page.locator('#logs-service').fill('web-e2e-probe');
    await page.locator('#logs-level').selectOption('warn');
    await page.locator('#logs-text').fill(marker.toUpperCase());
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.getByTestId('logs-count').textContent(), { timeout: UI_TIMEOUT }).toBe('1 line, newest first.');
    expect(await page.locator('table.logs').textContent()).toContain(`web e2e ${marker}`);
    await page.locator('#logs-level').selectOption('error');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.getByTestId('logs-count').textContent(), { timeout: UI_TIMEOUT }).toBe('No line matches.');
    await expectNoAxeViolations(page, 'health dashboard with log lines');
    await screenshot(page, '10-health-logs');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to ModelGuard' }).waitFor();
  });

  it('hides the release actions from a user without upload permission', async () => {
    if (released === undefined || searchOnlyUser === '') throw new Error('the release and token tests did not run');
    await page.getByLabel('User name').fill(searchOnlyUser);
    await page.getByLabel('Password', { exact: true }).fill('holder-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Browse the registry' }).waitFor();
    await goTo(`/view/model/${released.modelId}`);
    await page.getByRole('table', { name: 'Pending requests' }).waitFor();
    // The canary request is still pending: an uploader would see Approve and a Rollback column; this user sees neither.
    expect(await page.getByRole('table', { name: 'Pending requests' }).textContent()).toContain('canary');
    expect(await page.getByRole('button', { name: /^(Approve|Reject|Roll back) / }).count()).toBe(0);
    expect(await page.getByRole('columnheader', { name: 'Rollback' }).count()).toBe(0);
    expect(await page.getByRole('form', { name: 'Request a release' }).count()).toBe(0);
    await expectNoAxeViolations(page, 'release aliases of a search-only user');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to ModelGuard' }).waitFor();
  });
});
