// @ts-check
// Seeds artifacts through the public API: POST /artifact/{type} with a metadata-only URL (a host that is neither
// HuggingFace nor GitHub, so ingest stores it without downloading anything). Slower than the direct insert in
// seed-artifacts.cjs but exercises the real create path (transaction, outbox, ingest, PackageStored).
import { request } from './client.mjs';
import { pool, summarize } from './stats.mjs';

const TYPES = ['model', 'dataset', 'code'];

/**
 * Creates artifacts `<prefix>-<00000..>` (types cycling model, dataset, code, like the direct seeding) with
 * `concurrency` requests in flight. Returns how many were created, the status histogram and per-create latency.
 * @param {string} base
 * @param {string} token
 * @param {import('node:http').Agent} agent
 * @param {{ prefix: string, count: number, concurrency?: number }} options
 */
export async function seedViaApi(base, token, agent, { prefix, count, concurrency = 16 }) {
  /** @type {Map<number | string, number>} */
  const statuses = new Map();
  const latencies = [];
  const t0 = performance.now();
  await pool(count, concurrency, async (i) => {
    const name = `${prefix}-${String(i).padStart(5, '0')}`;
    const type = TYPES[i % 3];
    let key;
    try {
      const res = await request(base, { method: 'POST', path: `/artifact/${type}`, token, agent, body: { url: `https://models.example.com/${prefix}/${i}`, name } });
      key = res.status;
      latencies.push(res.ms);
    } catch (err) {
      key = err instanceof Error ? err.message.slice(0, 60) : 'error';
    }
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
  });
  const created = (statuses.get(201) ?? 0) + (statuses.get(202) ?? 0);
  const codes = [...statuses].map(([code, n]) => `${code}x${n}`).join(' ');
  return { count: created, ms: performance.now() - t0, codes, latency: summarize(latencies) };
}
