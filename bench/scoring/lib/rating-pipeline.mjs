// @ts-check
// End-to-end ratings per second: model packages uploaded through the gateway (POST /artifact/model/package), rated
// by the scoring service from the PackageUploaded event, and seen through GET /artifact/model/{id}/rate. The clock
// runs from the first upload's request until the last package's /rate answers 200.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expectStatus, request } from '../../registry/lib/client.mjs';
import { pool, summarize } from '../../registry/lib/stats.mjs';
import { writeCardPackage } from './card-package.mjs';
import { SAMPLE_MODELS, sampleCard, loadSampleEvidence } from './sample-evidence.mjs';

/** Weight file sizes cycled over the packages (KiB): small, so the figure is about rating, not about bytes. */
const WEIGHT_KIB = [64, 128, 256, 512];

/**
 * Writes `count` packages into `dir`: package i carries sample model i % 3's card and config (name varied) and a
 * weight file of WEIGHT_KIB[i % 4] KiB. Returns their paths, names and sizes.
 */
export async function writePackages(dist, dir, count) {
  const samples = SAMPLE_MODELS.map((name) => ({ name, card: sampleCard(name), config: loadSampleEvidence(dist, name).metadata.config ?? {} }));
  const packages = [];
  for (let i = 0; i < count; i++) {
    const s = samples[i % samples.length];
    const name = `${s.name}-bench-${String(i).padStart(3, '0')}`;
    const path = join(dir, `${name}.zip`);
    const zipBytes = await writeCardPackage(path, { card: s.card, config: { ...s.config, _name_or_path: name }, weightBytes: WEIGHT_KIB[i % WEIGHT_KIB.length] * 1024 });
    packages.push({ name, path, zipBytes });
  }
  return packages;
}

/**
 * Uploads the packages (`uploadConcurrency` in flight) while a poller sweeps GET /rate over the uploaded, not yet
 * rated ones (`pollConcurrency` in flight, `pollGapMs` between sweeps). Resolves with the wall time until every
 * package was rated, the time each upload took, and each package's lag from its upload's 201 to the first 200 of
 * /rate (accurate to one sweep), and the ids in the order they were rated.
 * @param {{ base: string, token: string, agent: import('node:http').Agent, packages: { name: string, path: string }[],
 *   uploadConcurrency?: number, pollConcurrency?: number, pollGapMs?: number, timeoutMs?: number }} options
 */
export async function uploadAndWaitForRatings({ base, token, agent, packages, uploadConcurrency = 4, pollConcurrency = 4, pollGapMs = 100, timeoutMs = 600_000 }) {
  /** @type {Map<string, { uploadedAt: number }>} */
  const pending = new Map();
  const lags = [];
  const uploadMs = [];
  const ratedLatencies = [];
  /** @type {string[]} */
  const ratedIds = [];
  let uploadsDone = false;
  let lastUploadAt = 0;
  let polls = 0;
  let unratedAtLastUpload = 0;
  const t0 = performance.now();

  const uploads = pool(packages.length, uploadConcurrency, async (i) => {
    const p = packages[i];
    const res = expectStatus(
      await request(base, { method: 'POST', path: `/artifact/model/package?name=${encodeURIComponent(p.name)}`, token, agent, body: { file: p.path } }),
      [201],
      `upload ${p.name}`,
    );
    uploadMs.push(res.ms);
    lastUploadAt = performance.now();
    pending.set(res.body.metadata.id, { uploadedAt: lastUploadAt });
  }).finally(() => {
    uploadsDone = true;
    unratedAtLastUpload = pending.size;
  });

  const poller = (async () => {
    while (!uploadsDone || pending.size > 0) {
      if (performance.now() - t0 > timeoutMs) throw new Error(`${pending.size} packages still unrated after ${timeoutMs} ms`);
      const ids = [...pending.keys()];
      await pool(ids.length, pollConcurrency, async (k) => {
        const id = ids[k];
        const res = await request(base, { path: `/artifact/model/${id}/rate`, token, agent });
        polls++;
        if (res.status === 200) {
          const entry = pending.get(id);
          if (entry) lags.push(performance.now() - entry.uploadedAt);
          ratedLatencies.push(Number(res.body.net_score_latency) * 1000);
          pending.delete(id);
          ratedIds.push(id);
        } else if (res.status !== 404) {
          throw new Error(`GET /rate of ${id}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
        }
      });
      await sleep(pollGapMs);
    }
  })();

  await Promise.all([uploads, poller]);
  const tEnd = performance.now();
  const totalMs = tEnd - t0;
  return {
    packages: packages.length,
    totalMs,
    ratingsPerSecond: packages.length / (totalMs / 1000),
    afterLastUploadMs: tEnd - lastUploadAt,
    // The backlog left when uploading stopped, and how fast it drained with nothing else arriving.
    unratedAtLastUpload,
    drainRatingsPerSecond: unratedAtLastUpload / ((tEnd - lastUploadAt) / 1000),
    uploadMs: summarize(uploadMs),
    lagMs: summarize(lags),
    computeMsInService: summarize(ratedLatencies),
    polls,
    ratedIds,
  };
}
