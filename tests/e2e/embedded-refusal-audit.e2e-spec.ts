import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntriesPageV1 } from '@modelguard/contracts';
import { type EmbeddedApp, startEmbedded } from '@modelguard/embedded';
import { OpenApiContract } from '@modelguard/gateway-feature/testing';
import { expectEventually } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from './support/registry-client';

/** Embedded mode (PGlite, in-process broker): a refused request reaches the security log through the whole path. */
describe('embedded mode: refusals in the security log', () => {
  const contract = new OpenApiContract();
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-embedded-refusals-'));
  let app: EmbeddedApp;

  beforeAll(async () => {
    app = await startEmbedded({ env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'error' }, httpPort: 0 });
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('records a forged token as a REFUSE entry the admin reads at GET /audit/entries', async () => {
    const refused = await fetch(`${app.url}/artifacts/model/some-model-1`, { headers: { 'X-Authorization': 'bearer forged.token.value' } });
    expect(refused.status).toBe(403);
    const admin = await new RegistryClient(app.url).login();
    const page = await expectEventually(
      async () => {
        const res = await fetch(`${app.url}/audit/entries?action=REFUSE&reason=invalid-token`, { headers: { 'X-Authorization': admin } });
        expect(res.status).toBe(200);
        const body = (await res.json()) as AuditEntriesPageV1;
        expect(body.entries).toHaveLength(1);
        return body;
      },
      { timeoutMs: 15_000 },
    );
    expect(contract.check('GET', '/audit/entries', 200, 'application/json', page)).toEqual([]);
    expect(page.entries[0]).toMatchObject({
      actor: null,
      artifact: { id: 'some-model-1', type: 'model' },
      refusal: { status: 403, reason: 'invalid-token', method: 'GET', route: '/artifacts/:artifact_type/:id' },
    });
    expect(JSON.stringify(page)).not.toContain('forged.token.value');
  });
});
