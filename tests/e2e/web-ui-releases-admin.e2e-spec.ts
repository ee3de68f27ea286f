import { randomBytes } from 'node:crypto';
import { DEFAULT_ADMIN_NAME } from '@modelguard/gateway-feature';
import { buildZip } from '@modelguard/gateway-feature/testing';
import { createLogger } from '@modelguard/observability';
import { expectEventually } from '@modelguard/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations, focusedOutline, screenshot } from './support/browser';
import { base64Weights, startWebUiFixture, tinyBertFiles, UI_TIMEOUT, type WebUiFixture } from './support/web-ui-fixture';

// Health workload, release aliases, sensitive model, tokens, logs, permission hiding; web-ui.e2e-spec.ts has the rest.
describe('the web interface in Chromium: health workload, release aliases and admin pages', () => {
  let fx: WebUiFixture;
  let page: Page;
  let apiCall: WebUiFixture['apiCall'];
  let goTo: WebUiFixture['goTo'];
  let cleanModelId: string;
  // Shared from the release test to the later ones: its model and owner; the search-only user of the token test.
  let released: { modelId: string; version: string; ownerToken: string } | undefined;
  let searchOnlyUser = '';

  beforeAll(async () => {
    fx = await startWebUiFixture();
    ({ page, apiCall, goTo } = fx);
    cleanModelId = await fx.uploadClean('model', 'tiny-bert', tinyBertFiles());
    await page.goto(`${fx.app.url}/`);
    await fx.signIn();
  }, 300_000);

  afterAll(() => fx?.close());

  it('runs the performance workload from the health dashboard by keyboard and shows its results as accessible charts', async () => {
    // Its own clean model: tiny-bert becomes sensitive later (a monitor program runs on each of its downloads).
    await fx.uploadClean('model', 'perf-bert', { 'README.md': '# perf-bert\n', 'config.json': '{"model_type":"bert"}', 'weights.safetensors': base64Weights(64 * 1024) });
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

  it('shows a model\'s release aliases, lets an approver approve a pending request by keyboard, and shows the alias history', async () => {
    // The model's owner (not the signed-in admin: nobody approves their own request) uploads it and asks for two moves.
    const owner = `releaser-${randomBytes(3).toString('hex')}`;
    const password = 'releaser-password-1';
    const ownerToken = await fx.addUser(owner, password, ['upload', 'download', 'search']);
    const asOwner = fx.callAs(ownerToken);
    // A declared license: the scoring service's license metric is a release gate.
    const zip = await buildZip({ 'README.md': '---\nlicense: mit\n---\n# release-bert\n', 'config.json': '{"model_type":"bert"}', 'weights.safetensors': base64Weights(2048) });
    const uploaded = await fetch(`${fx.app.url}/artifact/model/package?name=release-bert`, { method: 'POST', headers: { 'x-authorization': ownerToken, 'content-type': 'application/zip' }, body: zip });
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

    await goTo(`/view/model/${modelId}`);
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
    const asOwner = fx.callAs(ownerToken);
    const zip = await buildZip({ 'README.md': '---\nlicense: mit\n---\n# release-bert, second cut\n', 'config.json': '{"model_type":"bert"}', 'weights.safetensors': base64Weights(2048) });
    const put = await fetch(`${fx.app.url}/artifacts/model/${modelId}/package`, { method: 'PUT', headers: { 'x-authorization': ownerToken, 'content-type': 'application/zip' }, body: zip });
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
    await goTo(`/view/model/${cleanModelId}`);
    await page.getByRole('heading', { name: 'Sensitive model' }).waitFor();
    await page.getByRole('heading', { name: 'Download history' }).waitFor();
    expect(await page.locator('table[aria-labelledby="sensitive-history-title"]').textContent()).toMatch(/ece30861defaultadminuser.*allowed/);
    await expectNoAxeViolations(page, 'sensitive model with history');
    await screenshot(page, '08-sensitive-model');

    // Tokens: a second user's sign-in token, listed with its use count and revoked from the admin page.
    const holder = `token-holder-${randomBytes(3).toString('hex')}`;
    searchOnlyUser = holder;
    const holderToken = await fx.addUser(holder, 'holder-password-1', ['search']);
    expect((await fetch(`${fx.app.url}/artifacts/model/${cleanModelId}`, { headers: { 'x-authorization': holderToken } })).status).toBe(200);
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
    expect([401, 403]).toContain((await fetch(`${fx.app.url}/artifacts/model/${cleanModelId}`, { headers: { 'x-authorization': holderToken } })).status);

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
    await fx.signIn(searchOnlyUser, 'holder-password-1');
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
