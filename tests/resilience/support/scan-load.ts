import { Readable } from 'node:stream';
import { type PackageStoredV1, Topic } from '@modelguard/contracts';
import { createEnvelope, type KafkaTransportClient, type WireMessage } from '@modelguard/messaging';
import type { FsBlobStore } from '@modelguard/storage';
import { queryRows, readAllKafkaMessages } from '@modelguard/testing';
import { sleep } from './cluster';

/** The settings the services run with (the shipped defaults, spelled out so the output says what was measured). */
export const TUNING = { KAFKA_SESSION_TIMEOUT_MS: '10000', SCAN_LEASE_MS: '12000' };

/**
 * A producer whose sends never give up: a send that fails (leader moving) is retried with the SAME envelope, so
 * the consumer's inbox must dedupe it. `failures` counts the retries for the printed figures.
 */
export function retryingSender(producer: KafkaTransportClient): { send(message: WireMessage): Promise<void>; readonly failures: number } {
  let failures = 0;
  return {
    get failures() {
      return failures;
    },
    async send(message) {
      for (;;) {
        try {
          await producer.send([message]);
          return;
        } catch {
          failures += 1;
          await sleep(200);
        }
      }
    },
  };
}

/** Stores `content` as the package's only file and returns the PackageStored message that asks for its scan. */
export async function packageStoredMessage(blobs: FsBlobStore, id: string, path: string, content: Buffer): Promise<WireMessage> {
  const { sha256 } = await blobs.put(Readable.from([content]));
  const payload: PackageStoredV1 = {
    artifactId: id, artifactType: 'model', name: id, version: '1.0.0', source: 'upload', url: `upload://${id}`,
    files: [{ path, size: content.length, sha256 }], totalBytes: content.length, metadata: {},
  };
  const envelope = createEnvelope('resilience', Topic.PackageStored, payload, { key: id });
  return { topic: Topic.PackageStored, key: id, value: JSON.stringify(envelope), headers: {} };
}

export interface Sample {
  /** ms since the sampler started. */
  t: number;
  n: number;
}

/** Polls `count` every 100 ms until stopped: when did progress stall and when did it resume. */
export function countSampler(count: () => Promise<number>): { t0: number; samples: Sample[]; stop(): Promise<void> } {
  const samples: Sample[] = [];
  const t0 = Date.now();
  let sampling = true;
  const loop = (async () => {
    while (sampling) {
      samples.push({ t: Date.now() - t0, n: await count() });
      await sleep(100);
    }
  })();
  return {
    t0,
    samples,
    stop: async () => {
      sampling = false;
      await loop;
    },
  };
}

/** The longest time the sampled count did not move while it was still below `target` (work was outstanding). */
export function longestStall(samples: readonly Sample[], target: number): { from: number; ms: number } {
  let stall = { from: 0, ms: 0 };
  for (let i = 1; i < samples.length; i += 1) {
    if (samples[i].n !== samples[i - 1].n) continue;
    let j = i;
    while (j + 1 < samples.length && samples[j + 1].n === samples[i - 1].n) j += 1;
    const ms = samples[j].t - samples[i - 1].t;
    if (ms > stall.ms && samples[i - 1].n < target) stall = { from: samples[i - 1].t, ms };
    i = j;
  }
  return stall;
}

export interface ScanOutcome {
  jobs: number;
  reports: number;
  /** Distinct artifact versions among the reports. */
  versions: number;
  /** ScanCompleted rows in the scan service's outbox. */
  outbox: number;
  /** ScanCompleted messages on the topic (a relay retry may repeat one) and distinct event ids among them. */
  onTopic: number;
  distinctOnTopic: number;
  /** Packages whose ScanCompleted messages carry more than one event id (a scan applied twice). */
  keysWithTwoEvents: number;
}

/** What the scan service made of the packages whose ids start with `prefix`, in the database and on the topic. */
export async function scanOutcome(databaseUrl: string, prefix: string): Promise<ScanOutcome> {
  const [row] = await queryRows<{ jobs: number; reports: number; versions: number; outbox: number }>(
    databaseUrl,
    `SELECT (SELECT count(*)::int FROM scan.scan_job WHERE artifact_id LIKE $1) AS jobs,
            (SELECT count(*)::int FROM scan.scan_report WHERE artifact_id LIKE $1) AS reports,
            (SELECT count(DISTINCT (artifact_id, version))::int FROM scan.scan_report WHERE artifact_id LIKE $1) AS versions,
            (SELECT count(*)::int FROM scan.outbox WHERE topic = $2 AND key LIKE $1) AS outbox`,
    [`${prefix}%`, Topic.ScanCompleted],
  );
  const onTopic = (await readAllKafkaMessages(Topic.ScanCompleted, { timeoutMs: 60_000 })).filter((m) => m.key?.startsWith(prefix));
  const eventsByKey = new Map<string, Set<string>>();
  for (const m of onTopic) {
    const events = eventsByKey.get(m.key ?? '') ?? new Set<string>();
    events.add((JSON.parse(m.value) as { eventId: string }).eventId);
    eventsByKey.set(m.key ?? '', events);
  }
  const distinctOnTopic = [...eventsByKey.values()].reduce((sum, s) => sum + s.size, 0);
  const keysWithTwoEvents = [...eventsByKey.values()].filter((s) => s.size > 1).length;
  return { ...row, onTopic: onTopic.length, distinctOnTopic, keysWithTwoEvents };
}

/** ScanCompleted rows for the packages under `prefix` that the outbox relay has not published yet. */
export async function unpublishedScanEvents(databaseUrl: string, prefix: string): Promise<number> {
  const [{ unpublished }] = await queryRows<{ unpublished: number }>(databaseUrl, `SELECT count(*)::int AS unpublished FROM scan.outbox WHERE key LIKE $1 AND published_at IS NULL`, [`${prefix}%`]);
  return unpublished;
}
