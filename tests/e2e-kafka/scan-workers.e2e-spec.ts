import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { type PackageStoredV1, Topic } from '@modelguard/contracts';
import { createEnvelope, KafkaTransportClient, type WireMessage } from '@modelguard/messaging';
import { FsBlobStore } from '@modelguard/storage';
import { expectEventually, queryRows, spawnService, type SpawnedService, testInfra, waitForKafkaTopics } from '@modelguard/testing';
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce } from './support/build-once';
import { createDistributedRun, type DistributedRun } from './support/distributed-env';

const PACKAGES = 20;
const PARTITIONS = 4;

/** pickle.dumps only (never loads): a payload whose unpickling would run os.system. */
const maliciousPickle = () =>
  execFileSync('python3', ['-c', "import os,pickle,sys\nclass P:\n    def __reduce__(self): return (os.system, ('echo pwned',))\nsys.stdout.buffer.write(pickle.dumps(P(), protocol=2))"]);

interface ReportRow {
  artifact_id: string;
  worker_id: string;
  verdict: string;
}

describe('scan workers over real Kafka: two processes in one consumer group share the work', () => {
  let run: DistributedRun;
  const workers: SpawnedService[] = [];
  const kafka = new Kafka({ clientId: 'e2e-scan-admin', brokers: testInfra.kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = new KafkaTransportClient({ brokers: testInfra.kafkaBrokers, clientId: 'e2e-scan-producer' });

  beforeAll(async () => {
    buildOnce();
    run = await createDistributedRun();
    await admin.connect();
    // Work can only be spread over as many workers as the topic has partitions.
    const [meta] = (await admin.fetchTopicMetadata({ topics: [Topic.PackageStored] })).topics;
    if (meta.partitions.length < PARTITIONS) await admin.createPartitions({ topicPartitions: [{ topic: Topic.PackageStored, count: PARTITIONS }] });
    // New partitions need leaders that serve them before the workers join and the test publishes.
    await waitForKafkaTopics([Topic.PackageStored], { minPartitions: PARTITIONS });
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    await admin.disconnect();
    await producer.close();
    await run?.dispose();
  });

  it('assigns partitions to both members and both instances produce reports', async () => {
    for (const workerId of ['scan-w1', 'scan-w2']) {
      workers.push(await spawnService('scan', run.envFor('scan', { SCAN_WORKER_ID: workerId, SCAN_CONCURRENCY: '2' })));
    }
    const groupId = run.envFor('scan').KAFKA_CLIENT_ID!;

    // Publish only once the group is stable with both members holding package-stored partitions;
    // otherwise the first member could take every event before the second one joins.
    const assignments = await expectEventually(
      async () => {
        const { groups } = await admin.describeGroups([groupId]);
        expect(groups[0].state).toBe('Stable');
        const members = groups[0].members.map((m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[Topic.PackageStored] ?? []);
        expect(members).toHaveLength(2);
        for (const partitions of members) expect(partitions.length).toBeGreaterThan(0);
        return members;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(assignments.flat().sort()).toEqual(Array.from({ length: PARTITIONS }, (_, i) => i).sort());

    const blobs = new FsBlobStore(run.envFor('scan').STORAGE_ROOT!);
    const evil = maliciousPickle();
    await blobs.put(Readable.from([evil]));
    const evilSha = createHash('sha256').update(evil).digest('hex');
    const messages: WireMessage[] = [];
    for (let i = 0; i < PACKAGES; i += 1) {
      const artifactId = `scan-${run.id}-${i}`;
      const weights = Buffer.from(`weights of package ${i} in run ${run.id}`);
      const { sha256 } = await blobs.put(Readable.from([weights]));
      const files = [{ path: 'weights.bin', size: weights.length, sha256 }];
      // Every fifth package carries the malicious pickle: blocked results must come from real scans too.
      if (i % 5 === 0) files.push({ path: 'model.pkl', size: evil.length, sha256: evilSha });
      const payload: PackageStoredV1 = {
        artifactId, artifactType: 'model', name: `m${i}`, version: '1.0.0', source: 'upload', url: `upload://${artifactId}`,
        files, totalBytes: files.reduce((s, f) => s + f.size, 0), metadata: {},
      };
      const envelope = createEnvelope('e2e', Topic.PackageStored, payload, { key: artifactId });
      messages.push({ topic: Topic.PackageStored, key: artifactId, value: JSON.stringify(envelope), headers: {} });
    }
    await producer.send(messages);

    const reports = await expectEventually(
      async () => {
        const rows = await queryRows<ReportRow>(run.databaseUrl, `SELECT artifact_id, worker_id, verdict FROM scan.scan_report WHERE artifact_id LIKE $1`, [`scan-${run.id}-%`]);
        expect(rows).toHaveLength(PACKAGES);
        return rows;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    const byWorker = new Map<string, number>();
    for (const r of reports) byWorker.set(r.worker_id, (byWorker.get(r.worker_id) ?? 0) + 1);
    // Shown in the test output: how the group split the partitions and the work this run.
    console.info(`[scan e2e] partitions per member ${JSON.stringify(assignments)}; reports per worker ${JSON.stringify(Object.fromEntries(byWorker))}`);
    expect([...byWorker.keys()].sort()).toEqual(['scan-w1', 'scan-w2']);
    for (const r of reports) {
      const index = Number(r.artifact_id.split('-').pop());
      expect(r.verdict).toBe(index % 5 === 0 ? 'blocked' : 'clean');
    }
    // Each package version was scanned once, and each result went out on Kafka for the gateway.
    const [{ jobs }] = await queryRows<{ jobs: number }>(run.databaseUrl, `SELECT count(*)::int AS jobs FROM scan.scan_job WHERE artifact_id LIKE $1`, [`scan-${run.id}-%`]);
    expect(jobs).toBe(PACKAGES);
    await expectEventually(
      async () => {
        const [{ sent }] = await queryRows<{ sent: number }>(
          run.databaseUrl,
          `SELECT count(*)::int AS sent FROM scan.outbox WHERE topic = $1 AND key LIKE $2 AND published_at IS NOT NULL`,
          [Topic.ScanCompleted, `scan-${run.id}-%`],
        );
        expect(sent).toBe(PACKAGES);
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  });
});
