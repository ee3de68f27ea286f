import { Topic } from '@modelguard/contracts';
import { expect } from 'vitest';
import type { SensitiveDownloadView, SensitivityView } from '../src/sensitive/sensitivity-view';
import type { GatewayTestApp } from './gateway-test-app';
import type { CreatedArtifact } from './helpers';
import { buildZip } from './zip-test-utils';

/** Uploads a model package (as `token`) and publishes a clean scan of it, so downloads pass the scan gate. */
export async function downloadableModel(app: GatewayTestApp, token: string, name: string, files: Record<string, string>): Promise<CreatedArtifact> {
  const up = await app.client.call<CreatedArtifact>('POST', `/artifact/model/package?name=${encodeURIComponent(name)}`, {
    token,
    rawBody: await buildZip(files),
    contentType: 'application/zip',
  });
  expect(up.status, up.raw.toString()).toBe(201);
  const ref = { artifactId: up.body.metadata.id, artifactType: 'model' as const, name };
  const findingCounts = { info: 0, warning: 0, error: 0, critical: 0 };
  await app.publish(Topic.ScanCompleted, { ...ref, version: '1.0.0', verdict: 'clean', reportId: `r-${name}`, findingCounts }, ref.artifactId);
  return up.body;
}

export type SensitivityState = SensitivityView;
export type HistoryEntry = SensitiveDownloadView;

/** Attaches (or replaces) a model's monitor program and returns the new state. */
export async function attachProgram(app: GatewayTestApp, token: string, id: string, source: string): Promise<SensitivityState> {
  const res = await app.client.call<SensitivityState>('PUT', `/artifacts/model/${id}/monitor`, { token, json: { source } });
  expect(res.status, res.raw.toString()).toBe(200);
  return res.body;
}

export interface MonitorRefusal {
  error: string;
  monitor: { verdict: string; exit_code: number | null; signal: string | null; stdout: string; program_sha256: string };
}

export async function historyOf(app: GatewayTestApp, token: string, id: string): Promise<HistoryEntry[]> {
  const res = await app.client.call<HistoryEntry[]>('GET', `/artifacts/model/${id}/download-history`, { token });
  expect(res.status, res.raw.toString()).toBe(200);
  return res.body;
}
