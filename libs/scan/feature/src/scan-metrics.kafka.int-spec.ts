import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_TOPICS, dltTopicOf, Topic } from '@modelguard/contracts';
import { KafkaTransportClient } from '@modelguard/messaging';
import { parsePrometheusText, type PromSample, sampleSum } from '@modelguard/observability';
import { createKafkaTopics, createTestSchemaName, dropSchemas, expectEventually, startGroupAtEnd, testInfra, uniqueSuffix } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benignPickle } from '../test/model-fixtures';
import { envelopeOf, type ScanTestApp, startScanTestApp, storePackage, testSettings } from '../test/scan-test-app';

/**
 * /metrics on a real scan service over real Kafka and PostgreSQL: HTTP traffic, one scan and one poison message go
 * in, and the scrape (parsed as Prometheus parses it) must show the request counters by route template, the scan
 * duration, the queue depth, the group's lag, the outbox backlog and the dead-letter count moving.
 */
const schema = createTestSchemaName('scan_metrics');
const blobRoot = mkdtempSync(join(tmpdir(), 'mg-scan-metrics-'));
const run = uniqueSuffix();
const group = `metrics-${run}`;
// The platform's own producer (idempotent, acks=all): what an ingest service would publish with.
const producer = new KafkaTransportClient({ clientId: `metrics-test-${run}`, brokers: [...testInfra.kafkaBrokers] });
let app: ScanTestApp;

async function scrape(): Promise<PromSample[]> {
  const res = await fetch(`${app.service.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return parsePrometheusText(await res.text());
}

beforeAll(async () => {
  await createKafkaTopics([...ALL_TOPICS, ...ALL_TOPICS.map(dltTopicOf)]);
  // Only this test's messages: earlier runs' events on the shared topics would be scanned (and dead-lettered) too.
  await startGroupAtEnd(group, ALL_TOPICS);
  app = await startScanTestApp({
    schema,
    blobRoot,
    settings: testSettings({ workerId: `scan-metrics-${run}` }),
    env: { MESSAGING_TRANSPORT: 'kafka', KAFKA_CLIENT_ID: group },
  });
});

afterAll(async () => {
  await producer.close();
  await app?.close();
  await dropSchemas(testInfra.databaseUrl, [schema]);
});

describe('/metrics (real scan service, Kafka, PostgreSQL)', () => {
  it('counts requests by route template, times scans, and reports queue, lag, outbox and dead letters', { timeout: 180_000 }, async () => {
    const before = await scrape();
    const dltTopic = dltTopicOf(Topic.PackageStored);
    // Shared topics keep other runs' messages: compare with this run's first reading (the gauge appears once read).
    const dltBefore = await expectEventually(
      async () => {
        const samples = await scrape();
        expect(samples.some((s) => s.name === 'modelguard_kafka_dlt_messages' && s.labels['topic'] === dltTopic)).toBe(true);
        return sampleSum(samples, 'modelguard_kafka_dlt_messages', { topic: dltTopic });
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );

    // HTTP traffic: three probes, two report reads for different ids (one template), one unknown path.
    for (let i = 0; i < 3; i += 1) await fetch(`${app.service.url}/health/live`);
    const ids = [`m-${run}-a`, `m-${run}-b`];
    for (const id of ids) await fetch(`${app.service.url}/internal/artifacts/${id}/scan-report`);
    expect((await fetch(`${app.service.url}/no-such-path-${run}`)).status).toBe(404);

    // One real scan and one poison message, both over Kafka.
    const id = `m-${run}-scan`;
    const payload = await storePackage(blobRoot, id, [{ path: 'weights.pkl', content: benignPickle() }]);
    const envelope = envelopeOf(Topic.PackageStored, payload, id);
    await producer.send([{ topic: Topic.PackageStored, key: id, value: JSON.stringify(envelope), headers: {} }]);
    await producer.send([{ topic: Topic.PackageStored, key: `poison-${run}`, value: '{"not":"an envelope"}', headers: {} }]);

    const after = await expectEventually(
      async () => {
        const samples = await scrape();
        expect(sampleSum(samples, 'modelguard_scan_duration_seconds_count', { outcome: 'completed' })).toBeGreaterThanOrEqual(1);
        expect(sampleSum(samples, 'modelguard_kafka_dlt_messages', { topic: dltTopic })).toBeGreaterThan(dltBefore);
        expect(sampleSum(samples, 'modelguard_kafka_consumer_lag', { group, topic: Topic.PackageStored })).toBe(0);
        expect(sampleSum(samples, 'modelguard_outbox_pending')).toBe(0);
        return samples;
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );

    const requests = (where: Record<string, string>) => sampleSum(after, 'modelguard_http_requests_total', where) - sampleSum(before, 'modelguard_http_requests_total', where);
    expect(requests({ method: 'GET', route: '/health/live', status: '200' })).toBe(3);
    expect(requests({ method: 'GET', route: '/internal/artifacts/:id/scan-report' })).toBe(2);
    expect(requests({ route: 'unmatched', status: '404' })).toBe(1);
    expect(sampleSum(after, 'modelguard_http_request_duration_seconds_count', { route: '/internal/artifacts/:id/scan-report' })).toBe(2);
    // Raw URLs never become labels: no route label carries an id this run used.
    expect(after.filter((s) => s.labels['route']?.includes(run))).toEqual([]);

    // Every series carries the service; the gauges exist even at zero.
    expect(after.filter((s) => s.name.startsWith('modelguard_')).every((s) => s.labels['service'] === 'scan')).toBe(true);
    expect(after.some((s) => s.name === 'modelguard_scan_queue_depth' && s.labels['state'] === 'pending')).toBe(true);
    expect(after.some((s) => s.name === 'modelguard_outbox_oldest_age_seconds')).toBe(true);
    expect(sampleSum(after, 'modelguard_process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
