import { Topic } from '@modelguard/contracts';
import { createEnvelope, KafkaTransportClient, type WireMessage } from '@modelguard/messaging';
import { FsBlobStore } from '@modelguard/storage';
import { expectEventually, queryRows, spawnService, type SpawnedService, testInfra } from '@modelguard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce } from '../e2e-kafka/support/build-once';
import { createDistributedRun, type DistributedRun } from '../e2e-kafka/support/distributed-env';
import { cluster, figure, sleep } from './support/cluster';
import { withDiagnostics } from './support/diagnostics';
import { countSampler, longestStall, packageStoredMessage, retryingSender, scanOutcome, TUNING, unpublishedScanEvents } from './support/scan-load';

/** Steady load: audit events (ArtifactCreated) and scan requests (PackageStored), for LOAD_MS in total. */
const LOAD_MS = 24_000;
const AUDIT_EVERY_MS = 50;
const SCAN_EVERY_MS = 400;
const KILL_AT_MS = 6_000;
const RESTART_AT_MS = 14_000;
const VICTIM = 2 as const;

describe('one broker of three kill -9ed under steady load: 0 events lost, 0 applied twice', () => {
  let run: DistributedRun;
  const services: SpawnedService[] = [];
  const producer = new KafkaTransportClient({ brokers: testInfra.kafkaBrokers, clientId: 'resilience-load' });

  beforeAll(async () => {
    buildOnce();
    run = await createDistributedRun();
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.kill('SIGTERM')));
    await producer.close();
    await run?.dispose();
  });

  it('keeps delivering through the outage and the rejoin, and every event is applied exactly once', async () => {
    await Promise.all(['audit', 'scan'].map((service) => run.startAtEnd(service)));
    services.push(await spawnService('audit', run.envFor('audit', TUNING)));
    services.push(await spawnService('scan', run.envFor('scan', { ...TUNING, SCAN_WORKER_ID: 'scan-a' })));
    const storageRoot = run.envFor('scan')['STORAGE_ROOT'];
    if (!storageRoot) throw new Error('the distributed run names no STORAGE_ROOT');
    const blobs = new FsBlobStore(storageRoot);
    const prefix = `rz-${run.id}`;

    const sent = { audit: 0, scan: 0 };
    const sender = retryingSender(producer);
    const send = (message: WireMessage) => sender.send(message);
    const auditEvent = (i: number): WireMessage => {
      const id = `${prefix}-a${i}`;
      const envelope = createEnvelope('resilience', Topic.ArtifactCreated, { artifactId: id, artifactType: 'model', name: `m${i}`, url: 'https://huggingface.co/x/y', version: '1.0.0', actor: { name: 'alice', isAdmin: false } }, { key: id });
      return { topic: Topic.ArtifactCreated, key: id, value: JSON.stringify(envelope), headers: {} };
    };
    const scanEvent = (i: number): Promise<WireMessage> => packageStoredMessage(blobs, `${prefix}-s${i}`, 'weights.bin', Buffer.from(`weights ${i} of ${prefix}`));

    const auditRows = async () => (await queryRows<{ n: number }>(run.databaseUrl, `SELECT count(*)::int AS n FROM audit.audit_entry WHERE artifact_id LIKE $1`, [`${prefix}-a%`]))[0].n;
    // Applied-count sampler: when did deliveries stall and when did they resume, relative to the kill and restart.
    const sampler = countSampler(auditRows);
    const { t0, samples } = sampler;

    const load = (async () => {
      let a = 0;
      let s = 0;
      let nextScan = 0;
      while (Date.now() - t0 < LOAD_MS) {
        await send(auditEvent(a++));
        sent.audit = a;
        if (Date.now() - t0 >= nextScan) {
          await send(await scanEvent(s++));
          sent.scan = s;
          nextScan += SCAN_EVERY_MS;
        }
        await sleep(AUDIT_EVERY_MS);
      }
    })();

    await sleep(KILL_AT_MS);
    const killedAt = Date.now() - t0;
    cluster.kill(VICTIM);
    await sleep(RESTART_AT_MS - KILL_AT_MS);
    cluster.start(VICTIM);
    const backAt = Date.now() - t0;
    await load;

    // A failure here prints every group's state and lag and the services' logs: chaos runs rarely fail twice alike.
    await withDiagnostics(testInfra.kafkaBrokers, services, async () => {
      await expectEventually(async () => expect(await auditRows()).toBe(sent.audit), { timeoutMs: 120_000, intervalMs: 250 });
      await expectEventually(
        async () => {
          const rows = await queryRows<{ versions: number }>(run.databaseUrl, `SELECT count(DISTINCT (artifact_id, version))::int AS versions FROM scan.scan_report WHERE artifact_id LIKE $1`, [`${prefix}-s%`]);
          expect(rows[0].versions).toBe(sent.scan);
        },
        { timeoutMs: 120_000, intervalMs: 250 },
      );
      await expectEventually(async () => expect(await unpublishedScanEvents(run.databaseUrl, `${prefix}-s`)).toBe(0), { timeoutMs: 60_000, intervalMs: 250 });
    });
    await sampler.stop();

    // Settle, so that a late redelivery would have been applied (and counted) before the final counts.
    await sleep(2_000);
    const [audit] = await queryRows<{ entries: number; distinct_events: number; inbox: number }>(
      run.databaseUrl,
      `SELECT count(*)::int AS entries, count(DISTINCT event_id)::int AS distinct_events,
              (SELECT count(*)::int FROM audit.inbox i WHERE i.event_id IN (SELECT event_id FROM audit.audit_entry WHERE artifact_id LIKE $1)) AS inbox
         FROM audit.audit_entry WHERE artifact_id LIKE $1`,
      [`${prefix}-a%`],
    );
    const scan = await scanOutcome(run.databaseUrl, `${prefix}-s`);

    // Stall: the longest time the applied count did not move while events kept arriving.
    const stall = longestStall(samples, sent.audit);
    // Resume: from the broker's return to the next applied event (0 when deliveries never stopped).
    const atBack = samples.filter((x) => x.t <= backAt).pop()?.n ?? 0;
    const resumed = samples.find((x) => x.t > backAt && x.n > atBack);
    const firstAfterKill = samples.find((x) => x.t > killedAt + 100 && x.n > (samples.filter((y) => y.t <= killedAt).pop()?.n ?? 0));
    figure('broker kill: first event applied after the kill', firstAfterKill ? `${((firstAfterKill.t - killedAt) / 1000).toFixed(1)}s after it` : 'none sampled');
    figure('broker kill: deliveries resumed after the broker returned', resumed ? `${(Math.max(0, resumed.t - backAt) / 1000).toFixed(1)}s` : 'no stall at return');
    figure('broker kill: load', `${sent.audit} audit events + ${sent.scan} scan requests over ${LOAD_MS / 1000}s; producer sends retried ${sender.failures}x`);
    figure('broker kill: timeline', `node ${VICTIM} killed at ${(killedAt / 1000).toFixed(1)}s, back (serving) at ${(backAt / 1000).toFixed(1)}s`);
    figure('broker kill: longest delivery stall', `${(stall.ms / 1000).toFixed(1)}s starting at ${(stall.from / 1000).toFixed(1)}s`);
    figure('broker kill: audit', `sent ${sent.audit}, entries ${audit.entries}, distinct events ${audit.distinct_events}, inbox rows ${audit.inbox}`);
    figure('broker kill: scan', `sent ${sent.scan}, jobs ${scan.jobs}, reports ${scan.reports} (${scan.versions} versions), ScanCompleted outbox rows ${scan.outbox}, on the topic ${scan.onTopic} (${scan.distinctOnTopic} distinct)`);

    // 0 lost, 0 applied twice.
    expect(audit).toEqual({ entries: sent.audit, distinct_events: sent.audit, inbox: sent.audit });
    expect(scan).toMatchObject({ jobs: sent.scan, reports: sent.scan, outbox: sent.scan, distinctOnTopic: sent.scan, keysWithTwoEvents: 0 });
  });
});
