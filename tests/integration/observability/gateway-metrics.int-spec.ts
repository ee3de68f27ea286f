import { loginAsAdmin, startGatewayTestApp, type GatewayTestApp } from '@modelguard/gateway-feature/testing';
import { parsePrometheusText, type PromSample, sampleSum } from '@modelguard/observability';
import { uniqueSuffix } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The gateway's /metrics (real gateway module, real PostgreSQL): authenticated API calls for different artifact
 * ids land on one route-template series with their status, and the platform gauges are there.
 */
describe('gateway /metrics', () => {
  const run = uniqueSuffix();
  let app: GatewayTestApp;

  const scrape = async (): Promise<PromSample[]> => {
    const res = await fetch(`${app.service.url}/metrics`);
    expect(res.status).toBe(200);
    return parsePrometheusText(await res.text());
  };

  beforeAll(async () => {
    app = await startGatewayTestApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('counts API calls by route template and status, never by raw URL', async () => {
    const before = await scrape();
    const token = await loginAsAdmin(app.client);
    for (const id of [`${run}1`, `${run}2`, `${run}3`]) {
      const res = await fetch(`${app.service.url}/artifacts/model/${id}`, { headers: { 'X-Authorization': token } });
      expect([400, 404]).toContain(res.status);
    }
    const after = await scrape();
    const moved = (where: Record<string, string>) =>
      sampleSum(after, 'modelguard_http_requests_total', where) - sampleSum(before, 'modelguard_http_requests_total', where);
    expect(moved({ method: 'PUT', route: '/authenticate', status: '200', service: 'gateway' })).toBe(1);
    expect(moved({ method: 'GET', route: '/artifacts/:artifact_type/:id' })).toBe(3);
    expect(after.filter((s) => s.labels['route']?.includes(run))).toEqual([]);
    expect(after.some((s) => s.name === 'modelguard_outbox_pending' && s.labels['service'] === 'gateway')).toBe(true);
  });
});
