// @ts-check
// The steady mixed load: independent lanes, each sending one kind of request at a fixed pace for the whole window
// (a lane waits for its answer before the next one, so a slow service lowers the rate instead of piling up work).
// Every answer is recorded as { kind, status, ms }; a status outside the lane's expected set, or a thrown request,
// is an error.
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from '../../registry/lib/client.mjs';

/**
 * @typedef {{ kind: string, ok: number[], everyMs: number, next: (i: number) => import('../../registry/lib/client.mjs').RequestOptions }} Lane
 * @typedef {{ kind: string, status: number, ms: number, t: number, error?: string }} Result
 */

/**
 * The lanes: searches by exact name, by regex and a paged `*` listing (walking the pages via the `offset` header),
 * downloads of the seeded, scanned packages, uploads of small new packages and ingests of new Hub models.
 * @param {{ token: string, seeded: string[], seedNames: string[], zipPath: string, runTag: string, ingests: boolean }} ctx
 * @returns {Lane[]}
 */
export function lanes({ token, seeded, seedNames, zipPath, runTag, ingests }) {
  let pageOffset = '0';
  /** @type {Lane[]} */
  const all = [
    { kind: 'search by name', ok: [200], everyMs: 250, next: (i) => ({ method: 'POST', path: '/artifacts', token, body: [{ name: seedNames[i % seedNames.length] }] }) },
    { kind: 'search by regex', ok: [200, 404], everyMs: 250, next: (i) => ({ method: 'POST', path: '/artifact/byRegEx', token, body: { regex: `^soak-${runTag}-up-${i % 10}` } }) },
    {
      kind: 'paged listing',
      ok: [200],
      everyMs: 250,
      next: () => ({ method: 'POST', path: `/artifacts?offset=${encodeURIComponent(pageOffset)}`, token, body: [{ name: '*' }] }),
    },
    { kind: 'download', ok: [200], everyMs: 250, next: (i) => ({ path: `/artifacts/model/${seeded[i % seeded.length]}/download`, token, discard: true }) },
    { kind: 'upload', ok: [201], everyMs: 2_000, next: (i) => ({ method: 'POST', path: `/artifact/model/package?name=soak-${runTag}-up-${i}`, token, body: { file: zipPath } }) },
  ];
  if (ingests) {
    all.push({ kind: 'HF ingest', ok: [201], everyMs: 5_000, next: (i) => ({ method: 'POST', path: '/artifact/model', token, body: { url: `https://huggingface.co/soak/m${runTag}${i}` } }) });
  }
  // The listing follows the server's next-page offset, and starts over when the last page comes back.
  return Object.assign(all, {
    onListing(/** @type {import('../../registry/lib/client.mjs').Response} */ res) {
      const next = res.headers['offset'];
      pageOffset = typeof next === 'string' && next !== '' && Array.isArray(res.body) && res.body.length > 0 ? next : '0';
    },
  });
}

/**
 * Runs every lane until `durationMs` has passed; resolves with all results.
 * @param {string} base @param {Lane[] & { onListing?: (res: any) => void }} laneList @param {number} durationMs
 * @param {import('node:http').Agent} agent
 */
export async function runLoad(base, laneList, durationMs, agent) {
  /** @type {Result[]} */
  const results = [];
  const t0 = Date.now();
  const end = t0 + durationMs;
  await Promise.all(
    laneList.map(async (lane) => {
      for (let i = 0; Date.now() < end; i++) {
        const due = t0 + i * lane.everyMs;
        if (due > Date.now()) await sleep(due - Date.now());
        if (Date.now() >= end) break;
        const t = (Date.now() - t0) / 1000;
        try {
          const res = await request(base, { ...lane.next(i), agent, timeoutMs: 120_000 });
          if (lane.kind === 'paged listing') laneList.onListing?.(res);
          const bad = !lane.ok.includes(res.status);
          results.push({ kind: lane.kind, status: res.status, ms: res.ms, t, ...(bad ? { error: JSON.stringify(res.body).slice(0, 300) } : {}) });
        } catch (err) {
          results.push({ kind: lane.kind, status: 0, ms: NaN, t, error: err instanceof Error ? err.message : String(err) });
        }
      }
    }),
  );
  return results;
}
