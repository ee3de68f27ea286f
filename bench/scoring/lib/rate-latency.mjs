// @ts-check
// /rate latency under concurrency, against references measured in the same run under the same load: `clients`
// clients, each with its own login and keep-alive connection and its own rated model, send one request after
// another. The targets take turns in blocks of rounds (rate, references, rate, ...) so a burst of outside load on
// this shared machine lands on all of them alike, and the ratio between them stays meaningful.
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
 * @param {{ base: string, modelIds: string[], clients: number, rounds: number, block?: number, warmup?: number }} options
 * rounds = requests per client per target; block = rounds per turn.
 */
export async function measureRateLatency({ base, modelIds, clients, rounds, block = 25, warmup = 5 }) {
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

  /** All clients send `n` requests each to `target`, one after another; returns the phase's wall time. */
  const phase = async (/** @type {Target} */ target, /** @type {number} */ n, /** @type {boolean} */ record) => {
    const t0 = performance.now();
    await Promise.all(
      agents.map(async (agent, c) => {
        for (let k = 0; k < n; k++) {
          const res = await request(base, { path: target.path(modelIds[c]), token: target.auth ? tokens[c] : undefined, agent, timeoutMs: 30_000 });
          if (!record) continue;
          latencies.get(target.label)?.push(res.ms);
          const codes = statuses.get(target.label);
          codes?.set(res.status, (codes.get(res.status) ?? 0) + 1);
        }
      }),
    );
    const ms = performance.now() - t0;
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
