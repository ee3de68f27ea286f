import { buildZip } from '@modelguard/gateway-feature/testing';
import { queryRows, spawnService, type SpawnedService } from '@modelguard/testing';
import type { DistributedRun } from '../../e2e-kafka/support/distributed-env';
import { RegistryClient } from '../../e2e/support/registry-client';
import { sleep } from './cluster';

/** One answered (or unanswered: status 0) request of the load, with its time since the load started. */
export interface Answer {
  name: string;
  status: number;
  retryAfter: string | null;
  at: number;
  /** The body of a 5xx answer (what went wrong, for the failure message). */
  error?: string;
}

/** The gateway alone in its own process (uploads, reads and auth need no other service), plus a signed-in token. */
export async function startGateway(run: DistributedRun, extra: NodeJS.ProcessEnv = {}): Promise<{ gateway: SpawnedService; token: string }> {
  // One token drives the whole load, and an outage makes requests fail fast: at the default 1,000 uses it ran out
  // mid-run (403s) once S3Mock refused connections at once. The token cap is not what these scenarios test.
  await run.startAtEnd('gateway');
  const gateway = await spawnService('gateway', run.envFor('gateway', { AUTH_TOKEN_MAX_USES: '1000000', ...extra }));
  const token = await new RegistryClient(gateway.url).login();
  return { gateway, token };
}

/** POST /artifact/model/package of a small zip named `name`; network failures answer status 0. */
export async function upload(url: string, token: string, name: string): Promise<Omit<Answer, 'at'>> {
  const zip = await buildZip({ 'README.md': `# ${name}\n`, 'config.json': '{"model_type": "bert"}', 'model.safetensors': Buffer.alloc(2048, name.length) });
  try {
    const res = await fetch(`${url}/artifact/model/package?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'x-authorization': token, 'content-type': 'application/zip' },
      body: zip,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { name, status: res.status, retryAfter: res.headers.get('retry-after'), ...(res.status >= 500 ? { error: text.slice(0, 300) } : {}) };
  } catch {
    return { name, status: 0, retryAfter: null };
  }
}

/** GET `path` with the token; network failures answer status 0. */
export async function get(url: string, token: string, path: string): Promise<Omit<Answer, 'at' | 'name'>> {
  try {
    const res = await fetch(`${url}${path}`, { headers: { 'x-authorization': token }, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    return { status: res.status, retryAfter: res.headers.get('retry-after'), ...(res.status >= 500 ? { error: text.slice(0, 300) } : {}) };
  } catch {
    return { status: 0, retryAfter: null };
  }
}

/**
 * `workers` concurrent loops of uploads named `<prefix>-<n>` until `durationMs` has passed (or the predicate says
 * stop), each followed by a
 * read of the artifact by name: every answer is recorded, so the outage shows as a run of 503s in the middle.
 */
export async function uploadLoad(url: string, token: string, prefix: string, workers: number, durationMs: number | (() => boolean)): Promise<{ uploads: Answer[]; reads: Answer[] }> {
  const t0 = Date.now();
  const going = typeof durationMs === 'number' ? () => Date.now() - t0 < durationMs : durationMs;
  const uploads: Answer[] = [];
  const reads: Answer[] = [];
  let n = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (going()) {
        const name = `${prefix}-${n++}`;
        uploads.push({ ...(await upload(url, token, name)), at: Date.now() - t0 });
        reads.push({ name, ...(await get(url, token, `/artifact/byName/${name}`)), at: Date.now() - t0 });
        await sleep(20);
      }
    }),
  );
  return { uploads, reads };
}

/** Status -> count, e.g. `{201: 40, 503: 6}`, for the printed figures. */
export function tally(answers: readonly Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
}

/** The uploaded artifacts under `prefix` as the gateway's schema holds them: name, versions and their files. */
export async function storedUploads(databaseUrl: string, prefix: string): Promise<{ name: string; versions: number; files: { sha256: string }[] | null }[]> {
  return queryRows(
    databaseUrl,
    `SELECT a.name, count(v.artifact_id)::int AS versions, coalesce(jsonb_agg(v.files) FILTER (WHERE v.files IS NOT NULL), '[]'::jsonb) -> 0 AS files
       FROM gateway.artifacts a LEFT JOIN gateway.artifact_versions v ON v.artifact_id = a.id
      WHERE a.name LIKE $1 GROUP BY a.name`,
    [`${prefix}-%`],
  );
}

/** The service's ERROR log lines (Kafka client noise left out), shortened: what a 500 was, when one shows up. */
export function errorLines(service: SpawnedService, max = 5): string[] {
  return service.output().split('\n').filter((l) => /"level":"error"/i.test(l) && !l.includes('"logger":"kafkajs"')).slice(0, max).map((l) => l.slice(0, 1500));
}
