import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayModule } from '@modelguard/gateway-feature';
import { IngestModule } from '@modelguard/ingest-feature';
import { InProcessBroker } from '@modelguard/messaging';
import { bootstrapService, type RunningService } from '@modelguard/runtime';
import {
  expectEventually,
  type FakeGitHub,
  type FakeHuggingFace,
  queryRows,
  serviceTestEnv,
  startFakeGitHub,
  startFakeHuggingFace,
  testInfra,
  uniqueSuffix,
} from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from './support/registry-client';

/**
 * Gateway + ingest in one process over the in-process broker, on a fresh Postgres database, against the fake
 * Hugging Face and GitHub: an artifact created through the public API is mirrored file by file and its README
 * becomes searchable. Upstream hosts are the fakes on loopback, so private networks are allowed for this run only.
 */
describe('ingest through the gateway (fake upstreams)', () => {
  const database = `mg_ingest_e2e_${uniqueSuffix().replace(/[^a-z0-9]/g, '')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'mg-ingest-e2e-'));
  const broker = new InProcessBroker();
  let hf: FakeHuggingFace;
  let gh: FakeGitHub;
  let ingest: RunningService;
  let gateway: RunningService;
  let client: RegistryClient;
  let dbUrl: string;

  beforeAll(async () => {
    hf = await startFakeHuggingFace();
    gh = await startFakeGitHub();
    await queryRows(testInfra.databaseUrl, `CREATE DATABASE "${database}"`);
    const url = new URL(testInfra.databaseUrl);
    url.pathname = `/${database}`;
    dbUrl = url.toString();
    const env = serviceTestEnv({
      DATABASE_URL: dbUrl,
      DATA_DIR: dataDir,
      STORAGE_ROOT: join(dataDir, 'blobs'),
      HF_ENDPOINT: hf.url,
      GITHUB_API_URL: gh.url,
      UPSTREAM_ALLOW_PRIVATE: 'true',
      UPSTREAM_REQUEST_TIMEOUT_MS: '5000',
      // No scoring service in this composition: the ingest gate would hold every Hugging Face model until the wait ends.
      GATEWAY_RATING_GATE: 'false',
    });
    const common = { httpPort: 0, inProcessBroker: broker, shutdownHooks: false, exitOnConfigError: false, env };
    ingest = await bootstrapService({ ...common, service: 'ingest', module: IngestModule.forService() });
    gateway = await bootstrapService({ ...common, service: 'gateway', module: GatewayModule });
    client = new RegistryClient(gateway.url);
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await ingest?.close();
    await hf?.close();
    await gh?.close();
    await queryRows(testInfra.databaseUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function versionOf(id: string): Promise<{ ingest_state: string; files: Array<{ path: string; size: number; sha256: string }>; ingest_error: string | null }> {
    return expectEventually(
      async () => {
        const rows = await queryRows<{ ingest_state: string; files: Array<{ path: string; size: number; sha256: string }>; ingest_error: string | null }>(
          dbUrl,
          `SELECT ingest_state, files, ingest_error FROM gateway.artifact_versions WHERE artifact_id = $1`,
          [id],
        );
        expect(rows[0]?.ingest_state).toMatch(/^(stored|failed)$/);
        return rows[0];
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  }

  const sorted = <T extends { path: string }>(l: T[]): T[] => [...l].sort((a, b) => a.path.localeCompare(b.path));

  it('mirrors a Hugging Face model and makes its README searchable', async () => {
    const id = await client.createArtifact('model', 'https://huggingface.co/google-bert/bert-base-uncased');
    const version = await versionOf(id);
    expect(version.ingest_error).toBeNull();
    expect(sorted(version.files)).toEqual(sorted(hf.filesOf('google-bert/bert-base-uncased').map((f) => ({ path: f.path, size: f.data.length, sha256: f.sha256 }))));
    const token = await client.login();
    const search = await fetch(`${gateway.url}/artifact/byRegEx`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-authorization': token },
      body: JSON.stringify({ regex: 'masked language modeling' }),
    });
    expect(search.status).toBe(200);
    expect(((await search.json()) as Array<{ id: string }>).map((a) => a.id)).toContain(id);
  });

  it('mirrors a GitHub repository as code', async () => {
    const id = await client.createArtifact('code', 'https://github.com/openai/whisper');
    const version = await versionOf(id);
    expect(version.ingest_state).toBe('stored');
    expect(version.files.map((f) => f.path)).toContain('whisper/__init__.py');
  });

  it('marks the version failed when the upstream repository does not exist', async () => {
    const id = await client.createArtifact('model', 'https://huggingface.co/nobody/does-not-exist').catch((e: Error) => e.message);
    // The gateway may answer the create with the failure (424) or accept it and fail the version later.
    if (id.startsWith('create failed')) {
      expect(id).toMatch(/create failed: 4\d\d/);
      return;
    }
    const version = await versionOf(id);
    expect(version.ingest_state).toBe('failed');
    expect(version.ingest_error).toMatch(/not found/);
  });
});
