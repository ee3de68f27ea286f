// @ts-check
// /rate latency under concurrency, against references measured in the same run under the same load: `clients`
// clients, each with its own login and keep-alive connection and its own rated model, send one request after
// another. The targets take turns in blocks of rounds (rate, references, rate, ...) so a burst of outside load on
// this shared machine lands on all of them alike, and the ratio between them stays meaningful.
import { setTimeout as sleep } from 'node:timers/promises';
import { authenticate, makeAgent, request } from '../../registry/lib/client.mjs';
import { pool, summarize } from '../../registry/lib/stats.mjs';

/**
 * @typedef {object} Target
 * @property {string} label
 * @property {(modelId: string) => string} path
 * @property {boolean} auth whether the request carries the client's token
 */

/** @type {Target[]} */
export const TARGETS = [
  { label: 'GET /artifact/model/{id}/rate', path: (id) => `/artifact/model/${id}/rate`, auth: true },
  // Same auth guard and one artifact lookup, without the rating read: what /rate costs beyond an ordinary read.
  { label: 'GET /artifacts/model/{id} (reference)', path: (id) => `/artifacts/model/${id}`, auth: true },
  // No auth and no database (the health result is cached for a second): the server's floor under this load.
  { label: 'GET /health (reference)', path: () => '/health', auth: false },
];

/**
 * @param {{ base: string, modelIds: string[], clients: number, rounds: number, mode?: 'closed' | 'burst', gapMs?: number, block?: number, warmup?: number }} options
 * rounds = requests per client per target; block = rounds per turn; gapMs = idle time between bursts.
 */
export async function measureRateLatency({ base, modelIds, clients, rounds, mode = 'closed', gapMs = 50, block = 25, warmup = 5 }) {
  if (modelIds.length < clients) throw new Error(`need ${clients} rated models, have ${modelIds.length}`);
  const agents = Array.from({ length: clients }, () => makeAgent(1));
  // Logins run scrypt (32 MiB each), so they go a few at a time and are not timed.
  const tokens = new Array(clients);
  await pool(clients, 4, async (c) => {
    tokens[c] = await authenticate(base, agents[c]);
  });

  /** @type {Map<string, number[]>} */
  const latencies = new Map(TARGETS.map((t) => [t.label, []]));
  /** @type {Map<string, Map<number | string, number>>} */
  const statuses = new Map(TARGETS.map((t) => [t.label, new Map()]));
  /** @type {Map<string, number>} */
  const busyMs = new Map(TARGETS.map((t) => [t.label, 0]));

  /** One request of client `c` to `target`, recorded unless warming up. */
  const call = async (/** @type {Target} */ target, /** @type {number} */ c, /** @type {boolean} */ record) => {
    const res = await request(base, { path: target.path(modelIds[c]), token: target.auth ? tokens[c] : undefined, agent: agents[c], timeoutMs: 30_000 });
    if (!record) return;
    latencies.get(target.label)?.push(res.ms);
    const codes = statuses.get(target.label);
    codes?.set(res.status, (codes.get(res.status) ?? 0) + 1);
  };

  /**
   * `n` rounds against `target`. closed: every client sends its next request as soon as its last one is answered
   * (the server is saturated; latency includes queueing behind the other 13). burst: all clients send one request
   * at the same instant, the round ends when all 14 are answered, then the server idles `gapMs` (the "14
   * concurrent /rate calls"). Returns nothing; adds the phase's wall time (minus idle gaps) to busyMs.
   */
  const phase = async (/** @type {Target} */ target, /** @type {number} */ n, /** @type {boolean} */ record) => {
    let ms = 0;
    if (mode === 'closed') {
      const t0 = performance.now();
      await Promise.all(agents.map(async (_, c) => {
        for (let k = 0; k < n; k++) await call(target, c, record);
      }));
      ms = performance.now() - t0;
    } else {
      for (let k = 0; k < n; k++) {
        const t0 = performance.now();
        await Promise.all(agents.map((_, c) => call(target, c, record)));
        ms += performance.now() - t0;
        await sleep(gapMs);
      }
    }
    if (record) busyMs.set(target.label, (busyMs.get(target.label) ?? 0) + ms);
  };

  for (const target of TARGETS) await phase(target, warmup, false);
  for (let done = 0; done < rounds; done += block) {
    const n = Math.min(block, rounds - done);
    // Rotate which target goes first, so none always follows the same one.
    const turn = (done / block) % TARGETS.length;
    for (const target of [...TARGETS.slice(turn), ...TARGETS.slice(0, turn)]) await phase(target, n, true);
  }
  for (const agent of agents) agent.destroy();

  return TARGETS.map((t) => {
    const lat = latencies.get(t.label) ?? [];
    return {
      label: t.label,
      ...summarize(lat),
      requestsPerSecond: lat.length / ((busyMs.get(t.label) ?? 1) / 1000),
      statuses: Object.fromEntries(statuses.get(t.label) ?? []),
    };
  });
}
